package io.trustfl.server.cli;

import io.trustfl.data.Clinc150;
import io.trustfl.data.DataDirectory;
import io.trustfl.data.Snips;
import io.trustfl.server.audit.FederatedAudit;
import io.trustfl.server.simulation.PartitionSpec;
import io.trustfl.server.simulation.RoundMetrics;
import io.trustfl.server.simulation.SimulationConfig;
import io.trustfl.server.simulation.Simulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trustfl audit federated}: one federated simulation with canary clients (one-run auditing, Steinke et al.
 * 2023) at one &epsilon; or without DP; writes the audit as JSON next to the simulation's own outputs.
 */
@Command(name = "federated", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"One-run privacy audit of federated training: --canaries canary clients, each in the population"
        + " with probability 1/2, submit a fixed random direction scaled to the clip norm whenever they are"
        + " selected; after the run the canaries are scored by the cosine of their direction with the sum of the"
        + " released aggregates (and with the final model's change), the --guesses/2 highest are guessed IN and the"
        + " --guesses/2 lowest OUT, and the correct guesses give an epsilon lower bound (95%) next to the"
        + " accountant's user-level epsilon.",
        "Writes OUT/federated-audit.json, ROC CSVs of the canary scores and the simulation in OUT/simulation."})
final class FederatedAuditCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--epsilon", defaultValue = "8",
      description = "user-level epsilon of central DP-FedAvg, or inf for no DP (default ${DEFAULT-VALUE})")
  String epsilon;

  @Option(names = "--delta", defaultValue = "1e-5",
      description = "delta of the accountant and of the one-run test (default ${DEFAULT-VALUE})")
  double delta;

  @Option(names = "--clip", defaultValue = "5",
      description = "server clip norm (also without DP), or adaptive (DP only) (default ${DEFAULT-VALUE})")
  String clip;

  @Option(names = "--canaries", defaultValue = "1000", description = "canary clients m (default ${DEFAULT-VALUE})")
  int canaries;

  @Option(names = "--guesses", defaultValue = "200",
      description = "guesses r (even; r/2 IN, r/2 OUT, the rest abstain) (default ${DEFAULT-VALUE})")
  int guesses;

  @Option(names = "--canary-examples", defaultValue = "0",
      description = "example count a canary reports (its FedAvg weight without DP); 0 = training examples per"
          + " device, rounded up (default ${DEFAULT-VALUE})")
  long canaryExamples;

  @Option(names = "--canary-norm", defaultValue = "5",
      description = "canary update norm when the server does not clip (--clip none) (default ${DEFAULT-VALUE})")
  double canaryNorm;

  @Option(names = "--canary-seed", defaultValue = "1",
      description = "seed of the canaries' inclusion bits and directions (default ${DEFAULT-VALUE})")
  long canarySeed;

  @Option(names = "--secrets", defaultValue = "0",
      description = "secret canaries ('my pin code is d d d d') planted in devices' data, at most one per class;"
          + " exposure, extraction and a loss-threshold membership inference on the final model (intent-bag only;"
          + " default ${DEFAULT-VALUE})")
  int secrets;

  @Option(names = "--secret-devices", defaultValue = "1",
      description = "devices each secret is planted into (default ${DEFAULT-VALUE})")
  int secretDevices;

  @Option(names = "--secret-copies", defaultValue = "4",
      description = "copies of the secret in each of those devices (default ${DEFAULT-VALUE})")
  int secretCopies;

  @Option(names = "--data", defaultValue = "clinc150", description = "clinc150 or snips (default ${DEFAULT-VALUE})")
  String data;

  @Option(names = "--data-dir", description = "directory holding the data sets (default: $TRUSTFL_DATA_DIR or"
      + " ../shared/data)")
  Path dataDir;

  @Option(names = "--model", defaultValue = "intent-minilm-mlp",
      description = "intent-minilm-mlp or intent-bag (default ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--hidden", defaultValue = "256", description = "MiniLM head hidden width (default ${DEFAULT-VALUE})")
  int hidden;

  @Option(names = "--bag-buckets", defaultValue = "32768",
      description = "hashed n-gram buckets of intent-bag (default ${DEFAULT-VALUE})")
  int bagBuckets;

  @Option(names = "--clients", defaultValue = "1000", description = "real devices (default ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--clients-per-round", defaultValue = "150",
      description = "expected devices per round, canaries included in the population (default ${DEFAULT-VALUE})")
  int clientsPerRound;

  @Option(names = "--rounds", defaultValue = "30", description = "rounds (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--partition", defaultValue = "dirichlet:0.1",
      description = "iid, dirichlet:<alpha> or quantity:<beta> (default ${DEFAULT-VALUE})")
  String partition;

  @Option(names = "--local-epochs", defaultValue = "2", description = "local epochs (default ${DEFAULT-VALUE})")
  int localEpochs;

  @Option(names = "--local-batch-size", defaultValue = "64",
      description = "local mini-batch size, 0 = full batch (default ${DEFAULT-VALUE}; the audits in docs/AUDITS.md"
          + " used 64)")
  int localBatchSize;

  @Option(names = "--local-lr", defaultValue = "0.01", description = "local Adam learning rate (default"
      + " ${DEFAULT-VALUE})")
  double localLr;

  @Option(names = "--server-optimizer", defaultValue = "fedadam",
      description = "fedavg, fedadam, fedyogi or fedadagrad (default ${DEFAULT-VALUE})")
  String serverOptimizer;

  @Option(names = "--server-lr", defaultValue = "0.1", description = "server learning rate (default"
      + " ${DEFAULT-VALUE})")
  double serverLr;

  @Option(names = "--eval-every", defaultValue = "10", description = "evaluate every N rounds (default"
      + " ${DEFAULT-VALUE})")
  int evalEvery;

  @Option(names = "--max-train-examples", defaultValue = "0",
      description = "use a seeded subset of this many training examples (0 = all)")
  int maxTrainExamples;

  @Option(names = "--max-test-examples", defaultValue = "0",
      description = "evaluate on a seeded subset of this many test examples (0 = all)")
  int maxTestExamples;

  @Option(names = "--embedding-cache", description = "MiniLM embedding cache file (default"
      + " ~/.cache/trustfl/minilm-embeddings.bin)")
  Path embeddingCache;

  @Option(names = "--seed", defaultValue = "0", description = "simulation seed: partition, selection, model init"
      + " (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--decoy", description = "control run: score against directions the canaries never submitted"
      + " (guesses at chance by construction)")
  boolean decoy;

  @Option(names = "--out", required = true, description = "output directory (must not hold an earlier run)")
  Path out;

  @Override
  public Integer call() throws IOException {
    SimulationConfig config = config();
    if (canaryExamples < 0) {
      throw new IllegalArgumentException("--canary-examples must be >= 0 (0 = training examples per device), got "
          + canaryExamples);
    }
    settings(1); // validates the canary options before the data is read
    long examples = canaryExamples > 0 ? canaryExamples
        : (trainingExamples(config) + config.clients() - 1) / config.clients();
    FederatedAudit.Settings settings = settings(examples);
    Path sim = out.resolve("simulation");
    if (Files.exists(out.resolve("federated-audit.json")) || Files.exists(sim.resolve(Simulator.CHECKPOINT))) {
      throw new IllegalArgumentException("--out " + out + " holds an earlier audit; use an empty directory");
    }
    PrintWriter o = spec.commandLine().getOut();
    FederatedAudit.Result r = FederatedAudit.run(config, settings, sim, new Simulator.Listener() {
      @Override
      public void info(String message) {
        o.println(message);
        o.flush();
      }

      @Override
      public void round(RoundMetrics m, int total) {
        if (m.accuracy() != null) {
          o.printf(Locale.ROOT, "round %d/%d: accuracy %.4f, epsilon %.4f, %d selected%n", m.round() + 1, total,
              m.accuracy(), m.epsilon(), m.selected());
          o.flush();
        }
      }
    });
    FederatedAudit.write(out, r);
    o.printf(Locale.ROOT, "test accuracy %.4f (initial %.4f) after %d rounds; accountant epsilon %s at delta %.0e%n",
        r.finalAccuracy(), r.initialAccuracy(), r.rounds(), Double.isInfinite(r.accountantEpsilon()) ? "inf (no DP)"
            : String.format(Locale.ROOT, "%.4f", r.accountantEpsilon()), r.delta());
    o.printf(Locale.ROOT, "canaries: %d, %d included, %d updates submitted, %d included never selected%n",
        r.canaries(), r.included(), r.canarySelections(), r.canariesNeverSelected());
    for (String[] row : new String[][] {{"released aggregates", "r"}, {"whitened released aggregates", "w"},
        {"final model", "f"}}) {
      FederatedAudit.ScoreAudit a = row[1].equals("r") ? r.released() : row[1].equals("w") ? r.whitened()
          : r.finalModel();
      o.printf(Locale.ROOT, "one-run audit on the %s: %d of %d guesses correct, epsilon >= %.3f (AUC %.3f)%s%n",
          row[0], a.correct(), a.guesses(), a.epsilonLowerBound(), a.auc(), row[1].equals("w") ? " [headline]" : "");
    }
    if (r.data() != null) {
      double mean = java.util.Arrays.stream(r.data().exposures()).average().orElse(Double.NaN);
      o.printf(Locale.ROOT, "secrets: mean exposure %.2f of %.2f bits, %d of %d extracted; loss-threshold MIA AUC %.4f,"
          + " TPR at 1%% FPR %.4f (%d members, %d non-members)%n", mean, r.data().maxExposure(), r.data().extracted(),
          r.data().exposures().length, r.data().mia().auc(), r.data().mia().tprAt1PctFpr(), r.data().mia().members(),
          r.data().mia().nonMembers());
    }
    o.println("wrote " + out.resolve("federated-audit.json"));
    o.flush();
    return 0;
  }

  private FederatedAudit.Settings settings(long examples) {
    try {
      if (secrets < 0) {
        throw new IllegalArgumentException("--secrets must be >= 0, got " + secrets);
      }
      if (secrets > 0 && (secretDevices < 1 || secretCopies < 1)) {
        throw new IllegalArgumentException("--secret-devices and --secret-copies must be >= 1, got " + secretDevices
            + " and " + secretCopies);
      }
      if (secrets > 0 && !model.equals("intent-bag")) {
        throw new IllegalArgumentException("--secrets needs --model intent-bag (exposure and extraction work on texts"
            + " through hashed n-grams), got " + model);
      }
      return new FederatedAudit.Settings(canaries, guesses, canarySeed, examples, canaryNorm, decoy,
          secrets == 0 ? null : new FederatedAudit.Secrets(secrets, secretDevices, secretCopies, "my pin code is", 4));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replaceFirst("^canaries ", "--canaries ")
          .replaceFirst("^guesses ", "--guesses ").replaceFirst("^unclippedNorm ", "--canary-norm "));
    }
  }

  private SimulationConfig config() {
    boolean dp = !epsilon.equalsIgnoreCase("inf");
    double eps = 8;
    if (dp) {
      try {
        eps = Double.parseDouble(epsilon);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--epsilon must be a number > 0 or inf, got '" + epsilon + "'");
      }
    }
    ClipOption clipOption = ClipOption.parse(clip, dp, "DP");
    if (clipOption.adaptive() && !dp) {
      throw new IllegalArgumentException("--clip adaptive needs DP (a finite --epsilon); give a number or none");
    }
    boolean adaptive = clipOption.adaptive();
    double clipNorm = clipOption.norm();
    try {
      return SimulationConfig.builder().data(data).dataDir(dataDir).model(model).hidden(hidden)
          .bagBuckets(bagBuckets).clients(clients).clientsPerRound(clientsPerRound).rounds(rounds)
          .partition(PartitionSpec.parse(partition))
          .dp(dp ? SimulationConfig.DpKind.CENTRAL : SimulationConfig.DpKind.NONE).epsilon(eps).delta(delta)
          .adaptiveClipping(adaptive).clipNorm(clipNorm).seed(seed).evalEvery(evalEvery).localEpochs(localEpochs)
          .localBatchSize(localBatchSize).localLearningRate(localLr).localOptimizer("adam")
          .serverOptimizer(serverOptimizer.toLowerCase(Locale.ROOT)).serverLearningRate(serverLr)
          .maxTrainExamples(maxTrainExamples).maxTestExamples(maxTestExamples).embeddingCache(embeddingCache)
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(SimulateCommand.optionName(e.getMessage()));
    }
  }

  private static long trainingExamples(SimulationConfig c) {
    Path dir = DataDirectory.resolve(c.dataDir() == null ? null : c.dataDir().toString());
    int n = (c.data().equals("clinc150") ? Clinc150.load(dir, false) : Snips.load(dir)).train().size();
    return c.maxTrainExamples() == 0 ? n : Math.min(n, c.maxTrainExamples());
  }
}
