package io.trustfl.server.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.trustfl.privacy.NoiseCalibration;
import io.trustfl.privacy.PldAccountant;
import io.trustfl.privacy.PrivacyAccountant;
import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.privacy.RdpOrders;
import io.trustfl.privacy.analysis.EpsilonResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trustfl privacy}: the privacy calculator. {@code epsilon} gives the ε spent by T steps of the
 * Poisson-subsampled Gaussian mechanism; {@code noise} gives the smallest noise multiplier meeting a target (ε, δ).
 * Out-of-range input is reported on one line naming the option and its allowed range, with exit code 2.
 */
@Command(name = "privacy", mixinStandardHelpOptions = true,
    description = "Privacy calculator for DP-SGD / DP-FedAvg (Poisson-subsampled Gaussian mechanism,"
        + " add/remove adjacency).",
    subcommands = {PrivacyCommand.Epsilon.class, PrivacyCommand.Noise.class})
final class PrivacyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options shared by both subcommands: the accountant and its configuration. */
  static final class AccountantOptions {
    @Option(names = "--accountant", defaultValue = "rdp", paramLabel = "rdp|pld",
        description = "Accountant: rdp (Renyi DP, improved conversion) or pld (privacy loss distribution,"
            + " tighter). Default: ${DEFAULT-VALUE}.")
    String accountant;

    @Option(names = "--orders", paramLabel = "opacus|dp-accounting|tf-privacy",
        description = "RDP order list (rdp only). Default: opacus.")
    String orders;

    @Option(names = "--discretization", paramLabel = "H",
        description = "PLD value discretization, in (0, 0.1] (pld only). Default: 1e-4.")
    Double discretization;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    boolean isRdp(CommandLine cmd) {
      switch (accountant.toLowerCase(Locale.ROOT)) {
        case "rdp":
          if (discretization != null) {
            throw new CommandLine.ParameterException(cmd, "--discretization applies to --accountant pld only");
          }
          return true;
        case "pld":
          if (orders != null) {
            throw new CommandLine.ParameterException(cmd, "--orders applies to --accountant rdp only");
          }
          return false;
        default:
          throw new CommandLine.ParameterException(cmd, "--accountant must be one of rdp, pld, got '"
              + accountant + "'");
      }
    }

    RdpOrders rdpOrders(CommandLine cmd) {
      if (orders == null) {
        return RdpOrders.OPACUS;
      }
      try {
        return RdpOrders.fromId(orders);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cmd, "--orders must be one of opacus, dp-accounting, tf-privacy,"
            + " got '" + orders + "'");
      }
    }

    double pldDiscretization(CommandLine cmd) {
      double h = discretization == null ? PldAccountant.DEFAULT_VALUE_DISCRETIZATION : discretization;
      if (!(h > 0 && h <= 0.1)) {
        throw new CommandLine.ParameterException(cmd, "--discretization must be in (0, 0.1], got " + h);
      }
      return h;
    }
  }

  static double checkSamplingRate(CommandLine cmd, double q) {
    if (!(q > 0 && q <= 1)) {
      throw new CommandLine.ParameterException(cmd, "--sampling-rate must be in (0, 1], got " + q);
    }
    return q;
  }

  static double checkDelta(CommandLine cmd, double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new CommandLine.ParameterException(cmd, "--delta must be in (0, 1), got " + delta);
    }
    return delta;
  }

  static long checkSteps(CommandLine cmd, long steps) {
    if (steps < 0) {
      throw new CommandLine.ParameterException(cmd, "--steps must be >= 0, got " + steps);
    }
    return steps;
  }

  static void print(CommandLine cmd, JsonObject json, boolean asJson, String text) {
    PrintWriter out = cmd.getOut();
    if (asJson) {
      out.println(new GsonBuilder().serializeSpecialFloatingPointValues().create().toJson(json));
    } else {
      out.print(text);
    }
    out.flush();
  }

  /** {@code trustfl privacy epsilon}. */
  @Command(name = "epsilon", mixinStandardHelpOptions = true,
      description = "Epsilon spent by T steps of the Poisson-subsampled Gaussian mechanism, at the given delta.")
  static final class Epsilon implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--sampling-rate", required = true, paramLabel = "Q",
        description = "Poisson sampling rate q, in (0, 1].")
    double samplingRate;

    @Option(names = "--noise-multiplier", required = true, paramLabel = "S",
        description = "Noise multiplier sigma (noise std / clip norm), finite and > 0.")
    double noiseMultiplier;

    @Option(names = "--steps", required = true, paramLabel = "T", description = "Number of steps, >= 0.")
    long steps;

    @Option(names = "--delta", required = true, paramLabel = "D", description = "Target delta, in (0, 1).")
    double delta;

    @CommandLine.Mixin AccountantOptions acct;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      checkSamplingRate(cmd, samplingRate);
      if (!(noiseMultiplier > 0 && noiseMultiplier < Double.POSITIVE_INFINITY)) {
        throw new CommandLine.ParameterException(cmd, "--noise-multiplier must be finite and > 0, got "
            + noiseMultiplier);
      }
      checkSteps(cmd, steps);
      checkDelta(cmd, delta);
      boolean rdp = acct.isRdp(cmd);
      JsonObject json = new JsonObject();
      json.addProperty("samplingRate", samplingRate);
      json.addProperty("noiseMultiplier", noiseMultiplier);
      json.addProperty("steps", steps);
      json.addProperty("delta", delta);
      StringBuilder text = new StringBuilder();
      if (rdp) {
        RdpOrders orders = acct.rdpOrders(cmd);
        RdpAccountant a = new RdpAccountant(orders);
        a.compose(samplingRate, noiseMultiplier, steps);
        EpsilonResult r = a.epsilonAndOrder(delta);
        json.addProperty("epsilon", r.epsilon());
        json.addProperty("accountant", "rdp");
        json.addProperty("orders", orders.id());
        json.addProperty("bestOrder", r.order());
        text.append(String.format(Locale.ROOT, "epsilon = %s at delta = %s%n", r.epsilon(), delta));
        text.append(String.format(Locale.ROOT,
            "accountant: rdp (improved conversion), orders: %s, best order: %s%n", orders.id(),
            formatOrder(r.order())));
      } else {
        double h = acct.pldDiscretization(cmd);
        PrivacyAccountant a = new PldAccountant(h);
        a.compose(samplingRate, noiseMultiplier, steps);
        double eps = a.epsilon(delta);
        json.addProperty("epsilon", eps);
        json.addProperty("accountant", "pld");
        json.addProperty("discretization", h);
        text.append(String.format(Locale.ROOT, "epsilon = %s at delta = %s%n", eps, delta));
        text.append(String.format(Locale.ROOT,
            "accountant: pld (pessimistic, both add and remove adjacency), discretization: %s%n", h));
      }
      print(cmd, json, acct.json, text.toString());
      return 0;
    }
  }

  /** {@code trustfl privacy noise}. */
  @Command(name = "noise", mixinStandardHelpOptions = true,
      description = "Smallest noise multiplier sigma whose epsilon after T steps meets the target, to the given"
          + " precision, on the safe side (the printed sigma always meets the target).")
  static final class Noise implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--sampling-rate", required = true, paramLabel = "Q",
        description = "Poisson sampling rate q, in (0, 1].")
    double samplingRate;

    @Option(names = "--epsilon", required = true, paramLabel = "E", description = "Target epsilon, finite and > 0.")
    double epsilon;

    @Option(names = "--delta", required = true, paramLabel = "D", description = "Target delta, in (0, 1).")
    double delta;

    @Option(names = "--steps", required = true, paramLabel = "T", description = "Number of steps, >= 1.")
    long steps;

    @Option(names = "--precision", defaultValue = "1e-4", paramLabel = "P",
        description = "Absolute precision of sigma, in (0, 1). Default: ${DEFAULT-VALUE}.")
    double precision;

    @CommandLine.Mixin AccountantOptions acct;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      checkSamplingRate(cmd, samplingRate);
      if (!(epsilon > 0 && epsilon < Double.POSITIVE_INFINITY)) {
        throw new CommandLine.ParameterException(cmd, "--epsilon must be finite and > 0, got " + epsilon);
      }
      checkDelta(cmd, delta);
      if (steps < 1) {
        throw new CommandLine.ParameterException(cmd, "--steps must be >= 1, got " + steps);
      }
      if (!(precision > 0 && precision < 1)) {
        throw new CommandLine.ParameterException(cmd, "--precision must be in (0, 1), got " + precision);
      }
      boolean rdp = acct.isRdp(cmd);
      PrivacyBudget target = new PrivacyBudget(epsilon, delta);
      JsonObject json = new JsonObject();
      json.addProperty("samplingRate", samplingRate);
      json.addProperty("steps", steps);
      json.addProperty("epsilon", epsilon);
      json.addProperty("delta", delta);
      json.addProperty("precision", precision);
      double sigma;
      double achieved;
      String how;
      if (rdp) {
        RdpOrders orders = acct.rdpOrders(cmd);
        sigma = NoiseCalibration.noiseMultiplier(orders, samplingRate, steps, target, precision);
        RdpAccountant a = new RdpAccountant(orders);
        a.compose(samplingRate, sigma, steps);
        achieved = a.epsilon(delta);
        json.addProperty("accountant", "rdp");
        json.addProperty("orders", orders.id());
        how = "rdp, orders: " + orders.id();
      } else {
        double h = acct.pldDiscretization(cmd);
        sigma = NoiseCalibration.noiseMultiplierPld(h, samplingRate, steps, target, precision);
        PldAccountant a = new PldAccountant(h);
        a.compose(samplingRate, sigma, steps);
        achieved = a.epsilon(delta);
        json.addProperty("accountant", "pld");
        json.addProperty("discretization", h);
        how = "pld, discretization: " + h;
      }
      json.addProperty("noiseMultiplier", sigma);
      json.addProperty("achievedEpsilon", achieved);
      String text = String.format(Locale.ROOT, "noise multiplier = %s%n"
          + "achieved epsilon = %s <= %s at delta = %s (accountant: %s; sigma within %s above the exact root)%n",
          sigma, achieved, epsilon, delta, how, precision);
      print(cmd, json, acct.json, text);
      return 0;
    }
  }

  private static String formatOrder(double order) {
    return order == Math.rint(order) ? Long.toString((long) order) : Double.toString(order);
  }
}
