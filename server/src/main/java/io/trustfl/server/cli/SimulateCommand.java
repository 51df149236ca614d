package io.trustfl.server.cli;

import io.trustfl.client.RetentionPolicy;
import io.trustfl.server.simulation.PartitionSpec;
import io.trustfl.server.simulation.RoundMetrics;
import io.trustfl.server.simulation.SimulationConfig;
import io.trustfl.server.simulation.Simulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trustfl simulate}: a federated fleet in one process (device stores, federated clients, selection,
 * aggregation with optional central DP, server optimizer, accountant), with a progress bar on stderr, metrics JSONL,
 * an HTML report with plots, and resume from the output directory's checkpoint.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Simulate federated training of an intent classifier over a fleet of devices.",
        "With no options: CLINC150, intent-minilm-mlp, 500 devices, 50 per round, 100 rounds, Dirichlet(0.1) label"
            + " skew, uniform selection, no DP, output in runs/default. Rerunning with the same --out resumes."})
final class SimulateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", defaultValue = "clinc150", description = "clinc150 or snips (default ${DEFAULT-VALUE})")
  String data;

  @Option(names = "--data-dir", description = "directory holding the data sets (default: $TRUSTFL_DATA_DIR or"
      + " ../shared/data)")
  Path dataDir;

  @Option(names = "--model", defaultValue = "intent-minilm-mlp",
      description = "intent-minilm-mlp or intent-bag (default ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--hidden", defaultValue = "256", description = "MiniLM head hidden width, 0 = linear"
      + " (default ${DEFAULT-VALUE})")
  int hidden;

  @Option(names = "--bag-buckets", defaultValue = "32768",
      description = "hashed n-gram buckets of intent-bag (default ${DEFAULT-VALUE})")
  int bagBuckets;

  @Option(names = "--clients", defaultValue = "500", description = "simulated devices (default ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--clients-per-round", defaultValue = "50",
      description = "devices per round (expected number under DP's Poisson sampling; default ${DEFAULT-VALUE})")
  int clientsPerRound;

  @Option(names = "--rounds", defaultValue = "100", description = "rounds (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--partition", defaultValue = "dirichlet:0.1",
      description = "iid, dirichlet:<alpha> (label skew) or quantity:<beta> (size skew) (default ${DEFAULT-VALUE})")
  String partition;

  @Option(names = "--selection", defaultValue = "uniform",
      description = "uniform or activity (probability proportional to examples held) (default ${DEFAULT-VALUE})")
  String selection;

  @Option(names = "--continual", description = "devices receive new examples every round and delete old ones"
      + " under the store cap")
  boolean continual;

  @Option(names = "--store-cap", defaultValue = "0",
      description = "examples a device keeps (0 = unbounded; 20 when --continual is given without it)")
  int storeCap;

  @Option(names = "--retention", defaultValue = "oldest_first",
      description = "oldest_first, random or reservoir (default ${DEFAULT-VALUE})")
  String retention;

  @Option(names = "--dp", defaultValue = "none", description = "none or central (user-level DP-FedAvg)")
  String dp;

  @Option(names = "--epsilon", defaultValue = "8", description = "user-level epsilon for --dp central"
      + " (default ${DEFAULT-VALUE})")
  double epsilon;

  @Option(names = "--delta", defaultValue = "1e-5", description = "delta for --dp central (default ${DEFAULT-VALUE})")
  double delta;

  @Option(names = "--clip", defaultValue = "adaptive",
      description = "server clip norm: adaptive (central DP only; Andrew et al. 2021), a number, or none"
          + " (default: adaptive under DP, none without)")
  String clip;

  @Option(names = "--clip-init", defaultValue = "0.1",
      description = "initial clip norm C0 of adaptive clipping (TFF/Flower default ${DEFAULT-VALUE}); start it near"
          + " the expected update norm for short runs")
  double clipInit;

  @Option(names = "--transport", defaultValue = "in-process",
      description = "in-process or network (default ${DEFAULT-VALUE})")
  String transport;

  @Option(names = "--seed", defaultValue = "0", description = "seed of partition, selection, arrivals, dropout and"
      + " model init (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", description = "output directory (default runs/default); rerun to resume")
  Path out;

  @Option(names = "--eval-every", defaultValue = "5", description = "evaluate every N rounds (default"
      + " ${DEFAULT-VALUE})")
  int evalEvery;

  @Option(names = "--eval-split", defaultValue = "test", description = "split evaluated: test, or validation to"
      + " choose hyper-parameters without looking at test (default ${DEFAULT-VALUE})")
  String evalSplit;

  @Option(names = "--local-epochs", defaultValue = "1", description = "local epochs (default ${DEFAULT-VALUE}: with"
      + " the full-batch default, one gradient step per round)")
  int localEpochs;

  @Option(names = "--local-batch-size", defaultValue = "0",
      description = "local batch size, 0 = full batch (default ${DEFAULT-VALUE})")
  int localBatchSize;

  @Option(names = "--local-lr", defaultValue = "10", description = "local learning rate (default ${DEFAULT-VALUE}:"
      + " with one SGD step it only scales the delta, -lr x gradient, well above the adaptive server optimizer's"
      + " tau = 1e-3; use about 0.01 with adam or with several SGD steps)")
  double localLr;

  @Option(names = "--local-optimizer", defaultValue = "sgd", description = "sgd or adam (default ${DEFAULT-VALUE})")
  String localOptimizer;

  @Option(names = "--fedprox-mu", defaultValue = "0",
      description = "FedProx proximal coefficient mu of local training, 0 = off (default ${DEFAULT-VALUE})")
  double fedproxMu;

  @Option(names = "--server-optimizer", defaultValue = "fedyogi",
      description = "fedavg, fedadam, fedyogi or fedadagrad (default ${DEFAULT-VALUE})")
  String serverOptimizer;

  @Option(names = "--server-lr", defaultValue = "0.03", description = "server learning rate (default"
      + " ${DEFAULT-VALUE})")
  double serverLr;

  @Option(names = "--server-lr-schedule", defaultValue = "constant",
      description = "constant or cosine (decay to lr/100 over the rounds) (default ${DEFAULT-VALUE})")
  String serverLrSchedule;

  @Option(names = "--dropout", defaultValue = "0",
      description = "probability a selected device never reports; over-selection compensates (default 0)")
  double dropout;

  @Option(names = "--max-train-examples", defaultValue = "0",
      description = "use a seeded subset of this many training examples (0 = all)")
  int maxTrainExamples;

  @Option(names = "--max-test-examples", defaultValue = "0",
      description = "evaluate on a seeded subset of this many test examples (0 = all)")
  int maxTestExamples;

  @Option(names = "--embedding-cache", description = "MiniLM embedding cache file (default"
      + " ~/.cache/trustfl/minilm-embeddings.bin)")
  Path embeddingCache;

  @Option(names = "--probes", split = ",", description = "on-device probes each selected device runs after local"
      + " training, aggregated per round into metrics.jsonl: counterfactual (gender-swap gap and flip rate;"
      + " intent-bag model only). Default none")
  List<String> probes = new ArrayList<>();

  @Option(names = "--no-progress", description = "no progress bar on stderr")
  boolean noProgress;

  @Override
  public Integer call() throws IOException {
    SimulationConfig config = config();
    Path dir = out != null ? out : Path.of("runs", "default");
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Simulator.Result r = Simulator.run(config, dir, new Simulator.Listener() {
      private long started = System.nanoTime();
      private Double accuracy;

      @Override
      public void info(String message) {
        if (!noProgress) {
          err.print("\r\033[K");
        }
        o.println(message);
        o.flush();
      }

      @Override
      public void round(RoundMetrics m, int total) {
        if (m.accuracy() != null) {
          accuracy = m.accuracy();
        }
        if (noProgress) {
          return;
        }
        int done = m.round() + 1;
        int width = 30;
        int filled = (int) Math.round(width * (double) done / total);
        double elapsed = (System.nanoTime() - started) / 1e9;
        err.printf(Locale.ROOT, "\r[%s%s] round %d/%d  acc %s  eps %.3f  %.0f s", "#".repeat(filled),
            ".".repeat(width - filled), done, total, accuracy == null ? "  -   " : String.format(Locale.ROOT,
                "%.4f", accuracy), m.epsilon(), elapsed);
        if (done == total) {
          err.println();
        }
        err.flush();
      }
    });
    o.printf(Locale.ROOT, "rounds %d%s, %s accuracy %.4f (initial %.4f)%n", r.metrics().size(),
        r.stoppedEarly() ? " (stopped early: privacy budget reached)" : "",
        config.evalSplit().name().toLowerCase(Locale.ROOT), r.finalAccuracy(), r.initialAccuracy());
    o.printf(Locale.ROOT, "user-level epsilon %s%n", config.dp() == SimulationConfig.DpKind.CENTRAL
        ? String.format(Locale.ROOT, "%.4f at delta %.1e (target %.3g)", r.epsilon(), config.delta(),
            config.epsilon()) : "none (non-private)");
    o.printf(Locale.ROOT, "wall time %.1f s%s; report %s%n", r.seconds(), r.resumedFrom() > 0
        ? " (resumed at round " + r.resumedFrom() + ")" : "", dir.resolve("report.html"));
    o.flush();
    return 0;
  }

  private SimulationConfig config() {
    SimulationConfig.DpKind dpKind = switch (dp.toLowerCase(Locale.ROOT)) {
      case "none" -> SimulationConfig.DpKind.NONE;
      case "central" -> SimulationConfig.DpKind.CENTRAL;
      default -> throw new IllegalArgumentException("--dp must be none or central, got '" + dp + "'");
    };
    SimulationConfig.SelectionKind sel = switch (selection.toLowerCase(Locale.ROOT)) {
      case "uniform" -> SimulationConfig.SelectionKind.UNIFORM;
      case "activity" -> SimulationConfig.SelectionKind.ACTIVITY;
      default -> throw new IllegalArgumentException("--selection must be uniform or activity, got '" + selection
          + "'");
    };
    SimulationConfig.Transport tr = switch (transport.toLowerCase(Locale.ROOT)) {
      case "in-process" -> SimulationConfig.Transport.IN_PROCESS;
      case "network" -> SimulationConfig.Transport.NETWORK;
      default -> throw new IllegalArgumentException("--transport must be in-process or network, got '" + transport
          + "'");
    };
    RetentionPolicy ret;
    try {
      ret = RetentionPolicy.valueOf(retention.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--retention must be oldest_first, random or reservoir, got '" + retention
          + "'");
    }
    boolean cosine = switch (serverLrSchedule.toLowerCase(Locale.ROOT)) {
      case "constant" -> false;
      case "cosine" -> true;
      default -> throw new IllegalArgumentException("--server-lr-schedule must be constant or cosine, got '"
          + serverLrSchedule + "'");
    };
    SimulationConfig.EvalSplit split = switch (evalSplit.toLowerCase(Locale.ROOT)) {
      case "test" -> SimulationConfig.EvalSplit.TEST;
      case "validation" -> SimulationConfig.EvalSplit.VALIDATION;
      default -> throw new IllegalArgumentException("--eval-split must be test or validation, got '" + evalSplit
          + "'");
    };
    ClipOption clipOption = ClipOption.parse(clip, dpKind == SimulationConfig.DpKind.CENTRAL, "--dp central");
    // adaptive clipping is a central-DP mechanism; without central DP "adaptive" (the default) means no server clip
    boolean adaptive = clipOption.adaptive() && dpKind == SimulationConfig.DpKind.CENTRAL;
    double clipNorm = clipOption.norm();
    if (dpKind == SimulationConfig.DpKind.NONE && spec.commandLine().getParseResult().hasMatchedOption("--epsilon")) {
      throw new IllegalArgumentException("--epsilon needs --dp central");
    }
    try {
      return SimulationConfig.builder().data(data).dataDir(dataDir).model(model).hidden(hidden).bagBuckets(bagBuckets)
          .clients(clients)
          .clientsPerRound(clientsPerRound).rounds(rounds).partition(PartitionSpec.parse(partition)).selection(sel)
          .continual(continual).storeCap(storeCap).retention(ret).dp(dpKind).epsilon(epsilon).delta(delta)
          .adaptiveClipping(adaptive).clipInit(clipInit).clipNorm(clipNorm).transport(tr).seed(seed)
          .evalEvery(evalEvery)
          .evalSplit(split)
          .localEpochs(localEpochs).localBatchSize(localBatchSize).localLearningRate(localLr)
          .localOptimizer(localOptimizer.toLowerCase(Locale.ROOT)).fedproxMu(fedproxMu)
          .serverOptimizer(serverOptimizer.toLowerCase(Locale.ROOT)).serverLearningRate(serverLr)
          .cosineServerLearningRate(cosine).dropout(dropout)
          .maxTrainExamples(maxTrainExamples).maxTestExamples(maxTestExamples).embeddingCache(embeddingCache)
          .probes(probes).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(optionName(e.getMessage()));
    }
  }

  /** Rewrites a config field name at the start of a message as its command-line option. */
  static String optionName(String message) {
    String[][] names = {{"clientsPerRound", "--clients-per-round"}, {"clients", "--clients"},
        {"rounds", "--rounds"}, {"storeCap", "--store-cap"}, {"evalEvery", "--eval-every"},
        {"localEpochs", "--local-epochs"}, {"localBatchSize", "--local-batch-size"},
        {"localLearningRate", "--local-lr"}, {"localOptimizer", "--local-optimizer"},
        {"serverOptimizer", "--server-optimizer"}, {"serverLearningRate", "--server-lr"}, {"dropout", "--dropout"},
        {"fedproxMu", "--fedprox-mu"},
        {"epsilon", "--epsilon"}, {"delta", "--delta"}, {"hidden", "--hidden"}, {"bagBuckets", "--bag-buckets"},
        {"data", "--data"},
        {"model", "--model"}, {"maxTrainExamples", "--max-train-examples"},
        {"maxTestExamples", "--max-test-examples"}, {"clipNorm", "--clip"}, {"clipInit", "--clip-init"},
        {"probes", "--probes"}};
    for (String[] n : names) {
      if (message.startsWith(n[0] + " ")) {
        return n[1] + message.substring(n[0].length());
      }
    }
    return message;
  }
}
