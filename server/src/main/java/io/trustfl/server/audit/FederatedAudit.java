package io.trustfl.server.audit;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.trustfl.client.ClientOutcome;
import io.trustfl.data.Clinc150;
import io.trustfl.data.DataDirectory;
import io.trustfl.data.DatasetSplits;
import io.trustfl.data.Example;
import io.trustfl.data.Snips;
import io.trustfl.onnx.IntentModels;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.TaskPlan;
import io.trustfl.server.selection.Candidate;
import io.trustfl.server.simulation.AuditHook;
import io.trustfl.server.simulation.SimulationConfig;
import io.trustfl.server.simulation.Simulator;
import io.trustfl.train.WeightsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A one-run privacy audit of federated training: one simulator run ({@link Simulator#runAudit}) with
 * {@link CanaryClients} added to the population, then the canaries' scores, the guesses and the one-run &epsilon;
 * lower bound (Steinke, Nasr, Jagielski 2023) at the run's &delta;, next to the accountant's user-level &epsilon;.
 * Three scores ({@link CanaryClients.Score}) are evaluated, each its own test at 95% confidence; the headline is the
 * coordinate-whitened sum of the released aggregates (chosen on a non-private calibration run, before any DP run).
 * Optionally {@link DataCanaries} (secrets planted in devices' data, exposure, extraction, a loss-threshold
 * membership inference) run in the same simulation. Stateless.
 */
public final class FederatedAudit {
  private FederatedAudit() {}

  /**
   * What to audit with.
   *
   * @param canaries m canary clients, each in the population with probability 1/2
   * @param guesses r, even, &le; m: the r/2 highest scores are guessed IN and the r/2 lowest OUT
   * @param seed seed of the inclusion bits and the canaries' directions
   * @param exampleCount the example count each canary reports (its weight under example-weighted FedAvg)
   * @param unclippedNorm the canaries' update norm when the server does not clip
   * @param decoy the control: score against directions never submitted (guesses at chance by construction)
   * @param secrets secret canaries planted in devices' data (intent-bag only), or null for none
   */
  public record Settings(int canaries, int guesses, long seed, long exampleCount, double unclippedNorm,
      boolean decoy, Secrets secrets) {
    /** Validates. */
    public Settings {
      if (canaries < 2) {
        throw new IllegalArgumentException("canaries must be >= 2, got " + canaries);
      }
      if (guesses < 2 || guesses > canaries || guesses % 2 != 0) {
        throw new IllegalArgumentException("guesses must be even and in [2, canaries=" + canaries + "], got "
            + guesses);
      }
      if (exampleCount < 1) {
        throw new IllegalArgumentException("exampleCount must be >= 1, got " + exampleCount);
      }
      if (!(unclippedNorm > 0) || Double.isInfinite(unclippedNorm)) {
        throw new IllegalArgumentException("unclippedNorm must be finite and > 0, got " + unclippedNorm);
      }
    }
  }

  /**
   * Secret canaries to plant ({@link DataCanaries}).
   *
   * @param count secrets (at most the number of classes)
   * @param devicesPerSecret devices each secret is planted into
   * @param copies copies in each of those devices
   * @param prefix the template prefix
   * @param digits digits per secret
   */
  public record Secrets(int count, int devicesPerSecret, int copies, String prefix, int digits) {}

  /**
   * One score's audit.
   *
   * @param guesses r
   * @param correct v
   * @param epsilonLowerBound the one-run bound (95%, at the run's &delta;)
   * @param auc ROC AUC of the scores of included (positive) against excluded canaries
   * @param roc the ROC curve of those scores
   */
  public record ScoreAudit(int guesses, int correct, double epsilonLowerBound, double auc, RocCurve roc) {}

  /**
   * The audit of one run.
   *
   * @param targetEpsilon the configured user-level &epsilon; (+&infin; without DP)
   * @param accountantEpsilon the &epsilon; the accountant spent (+&infin; without DP)
   * @param delta the &delta; of the accountant and of the one-run test
   * @param initialAccuracy test accuracy of the initial model
   * @param finalAccuracy test accuracy of the final model
   * @param rounds rounds run
   * @param noiseMultiplier the calibrated &sigma; (0 without DP)
   * @param devices real devices in the fleet
   * @param canaries m
   * @param included canaries in the population
   * @param canarySelections canary updates submitted over the run
   * @param canariesNeverSelected included canaries that were never selected
   * @param released the audit on the sum of released aggregates
   * @param whitened the audit on the coordinate-whitened sum of released aggregates
   * @param finalModel the audit on the final model's change
   * @param included whether each canary was in the population (the secret bits)
   * @param timesSelected rounds each canary was selected in
   * @param scores each canary's score, by {@link CanaryClients.Score}
   * @param data exposure, extraction and membership inference on the final model, or null without secrets
   * @param seconds wall time of the simulation
   */
  public record Result(double targetEpsilon, double accountantEpsilon, double delta, double initialAccuracy,
      double finalAccuracy, int rounds, double noiseMultiplier, int devices, int canaries, int included,
      long canarySelections, int canariesNeverSelected, ScoreAudit released, ScoreAudit whitened,
      ScoreAudit finalModel, double seconds, boolean[] includedBits, int[] timesSelected,
      java.util.Map<CanaryClients.Score, double[]> scores, DataCanaries.Outcome data) {}

  /** Runs the audited simulation into {@code out} (which must hold no checkpoint) and audits it. */
  public static Result run(SimulationConfig config, Settings s, Path out, Simulator.Listener listener)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(s, "settings");
    CanaryClients hook = s.decoy()
        ? CanaryClients.withDecoyScores(s.canaries(), s.seed(), s.exampleCount(), s.unclippedNorm())
        : new CanaryClients(s.canaries(), s.seed(), s.exampleCount(), s.unclippedNorm());
    DataCanaries secrets = null;
    if (s.secrets() != null) {
      if (!config.model().equals(IntentModels.BAG)) {
        throw new IllegalArgumentException("secret canaries need the intent-bag model (exposure and extraction work on"
            + " texts through hashed n-grams), got model " + config.model());
      }
      Secrets x = s.secrets();
      secrets = new DataCanaries(x.count(), x.devicesPerSecret(), x.copies(), config.clients(), x.prefix(),
          x.digits(), s.seed());
    }
    Simulator.Result r = Simulator.runAudit(config, out, listener, secrets == null ? hook : both(hook, secrets));
    DataCanaries.Outcome data = secrets == null ? null : secrets.evaluate(r.finalWeights(), heldOut(config));
    boolean dp = config.dp() == SimulationConfig.DpKind.CENTRAL;
    boolean[] in = hook.included();
    int[] times = hook.timesSelected();
    int included = 0;
    long selections = 0;
    int never = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i]) {
        included++;
        selections += times[i];
        never += times[i] == 0 ? 1 : 0;
      }
    }
    double sigma = r.metrics().isEmpty() ? 0 : r.metrics().get(r.metrics().size() - 1).noiseMultiplier();
    java.util.Map<CanaryClients.Score, double[]> scores = new java.util.EnumMap<>(CanaryClients.Score.class);
    for (CanaryClients.Score k : CanaryClients.Score.values()) {
      scores.put(k, hook.scores(k));
    }
    return new Result(dp ? config.epsilon() : Double.POSITIVE_INFINITY,
        dp ? r.epsilon() : Double.POSITIVE_INFINITY, config.delta(), r.initialAccuracy(), r.finalAccuracy(),
        r.metrics().size(), sigma, r.selectionCounts().length, s.canaries(), included, selections, never,
        audit(scores.get(CanaryClients.Score.RELEASED_SUM), in, s.guesses(), config.delta()),
        audit(scores.get(CanaryClients.Score.RELEASED_WHITENED), in, s.guesses(), config.delta()),
        audit(scores.get(CanaryClients.Score.FINAL_MODEL), in, s.guesses(), config.delta()), r.seconds(), in, times,
        scores, data);
  }

  /**
   * Held-out examples for the membership inference: the training split's examples outside the run's subset when
   * the run used a subset, else the test split.
   */
  private static List<Example> heldOut(SimulationConfig c) {
    Path dir = DataDirectory.resolve(c.dataDir() == null ? null : c.dataDir().toString());
    DatasetSplits splits = c.data().equals("clinc150") ? Clinc150.load(dir, false) : Snips.load(dir);
    return c.maxTrainExamples() > 0 && c.maxTrainExamples() < splits.train().size() ? splits.train().examples()
        : splits.test().examples();
  }

  /** Both hooks: the canary clients take part in rounds, the data canaries plant examples. */
  private static AuditHook both(CanaryClients clients, DataCanaries data) {
    return new AuditHook() {
      @Override
      public String description() {
        return clients.description() + "; " + data.description();
      }

      @Override
      public void fleetData(ModelBundle bundle, List<Example> train, List<String> classes) {
        clients.fleetData(bundle, train, classes);
        data.fleetData(bundle, train, classes);
      }

      @Override
      public List<Example> planted(int deviceIndex) {
        return data.planted(deviceIndex);
      }

      @Override
      public List<Candidate> candidates(int round) {
        return clients.candidates(round);
      }

      @Override
      public ClientOutcome participate(String deviceId, TaskPlan plan) {
        return clients.participate(deviceId, plan);
      }

      @Override
      public void released(int round, double[] meanDelta) {
        clients.released(round, meanDelta);
      }

      @Override
      public void finished(float[] initial, float[] last) {
        clients.finished(initial, last);
        data.finished(initial, last);
      }
    };
  }

  /** Guesses on {@code scores}, the one-run bound at {@code delta} (95%) and the scores' ROC. */
  static ScoreAudit audit(double[] scores, boolean[] included, int guesses, double delta) {
    CanaryClients.Guesses g = CanaryClients.guess(scores, included, guesses);
    double eps = EmpiricalEpsilon.oneRun(scores.length, g.guesses(), g.correct(), delta,
        EmpiricalEpsilon.DEFAULT_ALPHA);
    RocCurve roc = CentralAudit.roc(scores, included);
    return new ScoreAudit(g.guesses(), g.correct(), eps, roc.auc(), roc);
  }

  /** Writes the result as JSON (atomically) and the two ROC curves as CSV into {@code dir}. */
  public static void write(Path dir, Result r) throws IOException {
    java.nio.file.Files.createDirectories(dir);
    JsonObject o = new JsonObject();
    o.addProperty("target_epsilon", r.targetEpsilon());
    o.addProperty("accountant_epsilon", r.accountantEpsilon());
    o.addProperty("delta", r.delta());
    o.addProperty("initial_accuracy", r.initialAccuracy());
    o.addProperty("final_accuracy", r.finalAccuracy());
    o.addProperty("rounds", r.rounds());
    o.addProperty("noise_multiplier", r.noiseMultiplier());
    o.addProperty("devices", r.devices());
    o.addProperty("canaries", r.canaries());
    o.addProperty("canaries_included", r.included());
    o.addProperty("canary_updates_submitted", r.canarySelections());
    o.addProperty("included_canaries_never_selected", r.canariesNeverSelected());
    o.addProperty("headline_score", "released_whitened");
    o.add("released_sum", json(r.released()));
    o.add("released_whitened", json(r.whitened()));
    o.add("final_model", json(r.finalModel()));
    o.addProperty("seconds", r.seconds());
    if (r.data() != null) {
      DataCanaries.Outcome d = r.data();
      JsonObject dc = new JsonObject();
      com.google.gson.JsonArray ex = new com.google.gson.JsonArray();
      for (double x : d.exposures()) {
        ex.add(x);
      }
      dc.add("exposures_bits", ex);
      dc.addProperty("max_exposure_bits", d.maxExposure());
      dc.addProperty("secrets", d.exposures().length);
      dc.addProperty("extracted", d.extracted());
      o.add("secret_canaries", dc);
      JsonObject mia = new JsonObject();
      mia.addProperty("auc", d.mia().auc());
      mia.addProperty("advantage", d.mia().advantage());
      mia.addProperty("tpr_at_1pct_fpr", d.mia().tprAt1PctFpr());
      mia.addProperty("tpr_at_0_1pct_fpr", d.mia().tprAt01PctFpr());
      mia.addProperty("members", d.mia().members());
      mia.addProperty("non_members", d.mia().nonMembers());
      o.add("loss_threshold_mia", mia);
      d.miaRoc().writeCsv(dir.resolve("roc-mia-loss.csv"));
    }
    WeightsFile.writeBytes(dir.resolve("federated-audit.json"), new GsonBuilder().setPrettyPrinting()
        .serializeSpecialFloatingPointValues().create().toJson(o).getBytes(StandardCharsets.UTF_8));
    r.released().roc().writeCsv(dir.resolve("roc-canaries-released-sum.csv"));
    r.finalModel().roc().writeCsv(dir.resolve("roc-canaries-final-model.csv"));
    r.whitened().roc().writeCsv(dir.resolve("roc-canaries-released-whitened.csv"));
    StringBuilder sb = new StringBuilder("canary,included,times_selected,score_released_sum,score_released_whitened,"
        + "score_final_model\n");
    for (int i = 0; i < r.includedBits().length; i++) {
      sb.append(String.format(java.util.Locale.ROOT, "%d,%d,%d,%.9g,%.9g,%.9g%n", i, r.includedBits()[i] ? 1 : 0,
          r.timesSelected()[i], r.scores().get(CanaryClients.Score.RELEASED_SUM)[i],
          r.scores().get(CanaryClients.Score.RELEASED_WHITENED)[i], r.scores().get(CanaryClients.Score.FINAL_MODEL)[i]));
    }
    WeightsFile.writeBytes(dir.resolve("canaries.csv"), sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject json(ScoreAudit a) {
    JsonObject o = new JsonObject();
    o.addProperty("guesses", a.guesses());
    o.addProperty("correct", a.correct());
    o.addProperty("one_run_epsilon_lower_bound", a.epsilonLowerBound());
    o.addProperty("auc_included_vs_excluded", a.auc());
    return o;
  }
}
