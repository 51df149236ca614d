package io.trustfl.server.simulation;

import io.trustfl.client.RetentionPolicy;
import io.trustfl.server.aggregation.AdaptiveClipping;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything a federated simulation run depends on. Build with {@link #builder()}, which holds the defaults of
 * {@code trustfl simulate} (CLINC150, intent-minilm-mlp, 500 clients, 50 per round, 100 rounds, Dirichlet α = 0.1,
 * uniform selection, no DP; locally one full-batch SGD step at lr 10 — a FedSGD round, whose delta is −10 × the
 * device's gradient — and FedYogi η = 0.03 on the server, chosen on CLINC150's validation split as
 * docs/FEDERATED.md records) and validates every field once in {@link Builder#build()}.
 *
 * @param data data set name: {@code clinc150} or {@code snips}
 * @param dataDir directory holding the data sets, or null for {@code $TRUSTFL_DATA_DIR} / {@code ../shared/data}
 * @param model {@code intent-minilm-mlp} or {@code intent-bag}
 * @param hidden hidden width of the MiniLM head (0 = linear head)
 * @param bagBuckets hashed n-gram buckets of the intent-bag model (its embedding table has this many rows)
 * @param clients simulated devices N
 * @param clientsPerRound devices selected per round k (the expected number under Poisson sampling)
 * @param rounds rounds to run
 * @param partition how the training set is split among devices
 * @param selection uniform or activity-proportional device selection
 * @param continual whether devices keep receiving new examples (and deleting old ones under the cap) every round
 * @param storeCap examples each device's store keeps (0 = unbounded)
 * @param retention which examples a full store deletes
 * @param dp no DP, or central (user-level) DP-FedAvg
 * @param epsilon user-level ε target for central DP
 * @param delta δ for central DP
 * @param adaptiveClipping adaptive clipping (Andrew et al. 2021) under central DP
 * @param clipInit the initial clip norm C₀ of adaptive clipping (TFF/Flower default 0.1)
 * @param clipNorm the fixed server clip norm (central DP with fixed clipping; +∞ = none without DP)
 * @param transport in-process or network
 * @param seed seed of partitioning, selection, arrivals and dropout
 * @param evalEvery evaluate every this many rounds (and after the last)
 * @param evalSplit the split evaluated: test (the default), or validation for choosing hyper-parameters without
 *     looking at test
 * @param localEpochs local epochs per round
 * @param localBatchSize local batch size; 0 = full batch (all of a device's examples in one step)
 * @param localLearningRate local learning rate
 * @param localOptimizer {@code sgd} or {@code adam}
 * @param fedproxMu FedProx proximal coefficient μ of local training (0 = plain local training)
 * @param serverOptimizer {@code fedavg}, {@code fedadam}, {@code fedyogi} or {@code fedadagrad}
 * @param serverLearningRate server learning rate η
 * @param cosineServerLearningRate decay η over the rounds by a cosine to η/100 (false: constant η)
 * @param dropout probability that a selected device never reports (over-selection compensates)
 * @param maxTrainExamples use only the first this many training examples (0 = all); for quick runs
 * @param maxTestExamples evaluate on only a seeded subset of this many examples of the evaluated split (0 = all)
 * @param embeddingCache persistent MiniLM embedding cache file, or null for the default under the user cache
 * @param probes on-device probes every selected device runs after local training (see {@link #KNOWN_PROBES}; empty:
 *     none); only with the {@code intent-bag} model and the in-process transport
 */
public record SimulationConfig(String data, Path dataDir, String model, int hidden, int bagBuckets, int clients,
    int clientsPerRound, int rounds, PartitionSpec partition, SelectionKind selection, boolean continual, int storeCap,
    RetentionPolicy retention, DpKind dp, double epsilon, double delta, boolean adaptiveClipping, double clipInit,
    double clipNorm, Transport transport, long seed, int evalEvery, EvalSplit evalSplit, int localEpochs,
    int localBatchSize, double localLearningRate,
    String localOptimizer, double fedproxMu, String serverOptimizer, double serverLearningRate,
    boolean cosineServerLearningRate, double dropout,
    int maxTrainExamples, int maxTestExamples, Path embeddingCache, java.util.List<String> probes) {

  /** Probe names the simulated devices run: {@code counterfactual} (gender-swap gap and flip rate). */
  public static final java.util.List<String> KNOWN_PROBES = java.util.List.of("counterfactual");

  /** Device selection strategies. */
  public enum SelectionKind {
    /** Every device with probability k/N. */
    UNIFORM,
    /** Probability proportional to the examples a device holds. */
    ACTIVITY
  }

  /** Differential privacy modes the simulator runs. */
  public enum DpKind {
    /** No DP noise. */
    NONE,
    /** User-level DP-FedAvg with central noise. */
    CENTRAL
  }

  /** The split the global model is evaluated on. */
  public enum EvalSplit {
    /** The test split (reported figures). */
    TEST,
    /** The validation split (hyper-parameter choice). */
    VALIDATION
  }

  /** How devices and server talk. */
  public enum Transport {
    /** Method calls in one process. */
    IN_PROCESS,
    /** The HTTP coordinator on loopback. */
    NETWORK
  }

  /** Validates every field (the builder's {@link Builder#build()} is the usual way in). */
  public SimulationConfig {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(selection, "selection");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(dp, "dp");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(evalSplit, "evalSplit");
    Objects.requireNonNull(localOptimizer, "localOptimizer");
    Objects.requireNonNull(serverOptimizer, "serverOptimizer");
    probes = java.util.List.copyOf(new java.util.TreeSet<>(Objects.requireNonNull(probes, "probes")));
    for (String p : probes) {
      if (!KNOWN_PROBES.contains(p)) {
        throw new IllegalArgumentException("probes must be among " + KNOWN_PROBES + ", got '" + p + "'");
      }
    }
    if (!probes.isEmpty() && !model.equals("intent-bag")) {
      throw new IllegalArgumentException("probes need the intent-bag model (the simulated devices hold no MiniLM"
          + " encoder to embed counterfactual texts), got model '" + model + "'");
    }
    if (!probes.isEmpty() && transport == Transport.NETWORK) {
      throw new IllegalArgumentException("probes run with the in-process transport only, got transport network");
    }
    String d = data.toLowerCase(Locale.ROOT);
    if (!d.equals("clinc150") && !d.equals("snips")) {
      throw new IllegalArgumentException("data must be clinc150 or snips, got '" + data + "'");
    }
    data = d;
    if (!model.equals("intent-minilm-mlp") && !model.equals("intent-bag")) {
      throw new IllegalArgumentException("model must be intent-minilm-mlp or intent-bag, got '" + model + "'");
    }
    requireAtLeast("hidden", hidden, 0);
    requireAtLeast("bagBuckets", bagBuckets, 16);
    requireAtLeast("clients", clients, 1);
    requireAtLeast("clientsPerRound", clientsPerRound, 1);
    if (clientsPerRound > clients) {
      throw new IllegalArgumentException("clientsPerRound must be <= clients (" + clients + "), got "
          + clientsPerRound);
    }
    requireAtLeast("rounds", rounds, 1);
    requireAtLeast("storeCap", storeCap, 0);
    requireAtLeast("evalEvery", evalEvery, 1);
    requireAtLeast("localEpochs", localEpochs, 1);
    requireAtLeast("localBatchSize", localBatchSize, 0);
    requireAtLeast("maxTrainExamples", maxTrainExamples, 0);
    requireAtLeast("maxTestExamples", maxTestExamples, 0);
    requirePositive("localLearningRate", localLearningRate);
    requirePositive("serverLearningRate", serverLearningRate);
    if (!(fedproxMu >= 0) || Double.isInfinite(fedproxMu)) {
      throw new IllegalArgumentException("fedproxMu must be finite and >= 0, got " + fedproxMu);
    }
    if (!localOptimizer.equals("sgd") && !localOptimizer.equals("adam")) {
      throw new IllegalArgumentException("localOptimizer must be sgd or adam, got '" + localOptimizer + "'");
    }
    if (!java.util.List.of("fedavg", "fedadam", "fedyogi", "fedadagrad").contains(serverOptimizer)) {
      throw new IllegalArgumentException("serverOptimizer must be fedavg, fedadam, fedyogi or fedadagrad, got '"
          + serverOptimizer + "'");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (dp == DpKind.CENTRAL) {
      requirePositive("epsilon", epsilon);
      if (!(delta > 0 && delta < 1)) {
        throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
      }
      if (!adaptiveClipping) {
        requirePositive("clipNorm", clipNorm);
      }
      requirePositive("clipInit", clipInit);
      if (!adaptiveClipping && clipInit != AdaptiveClipping.DEFAULT_INITIAL_CLIP_NORM) {
        throw new IllegalArgumentException("clipInit is the initial norm of adaptive clipping; with a fixed clip"
            + " norm give only the clip norm");
      }
    } else if (clipInit != AdaptiveClipping.DEFAULT_INITIAL_CLIP_NORM) {
      throw new IllegalArgumentException("clipInit needs central DP with adaptive clipping");
    } else if (!(clipNorm > 0)) {
      throw new IllegalArgumentException("clipNorm must be > 0 (or +Infinity for none), got " + clipNorm);
    }
  }

  private static void requireAtLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
    }
  }

  private static void requirePositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
    }
  }

  /** A builder holding the defaults of {@code trustfl simulate}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The effective store cap: {@link #storeCap()}, or 20 in the continual setting when none was given. */
  public int effectiveStoreCap() {
    return storeCap == 0 && continual ? 20 : storeCap;
  }

  /**
   * What a checkpoint must agree on to be resumed: every field that changes results (not the transport, the cache
   * location or the data directory).
   */
  public String fingerprint() {
    return String.join("|", data, model, "h" + hidden, "b" + bagBuckets, "n" + clients, "k" + clientsPerRound,
        "r" + rounds, partition.toString(), selection.name(), "c" + continual, "cap" + storeCap, retention.name(),
        dp.name(), "e" + epsilon, "d" + delta, "a" + adaptiveClipping, "C" + clipNorm, "s" + seed, "le" + localEpochs,
        "lb" + localBatchSize, "lr" + localLearningRate, localOptimizer, "mu" + fedproxMu, serverOptimizer,
        "slr" + serverLearningRate,
        "cos" + cosineServerLearningRate, "drop" + dropout, "mt" + maxTrainExamples, "me" + maxTestExamples)
        + (evalSplit == EvalSplit.TEST ? "" : "|eval-" + evalSplit.name())
        + (clipInit == AdaptiveClipping.DEFAULT_INITIAL_CLIP_NORM ? "" : "|C0" + clipInit);
  }

  /** Mutable builder; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private String data = "clinc150";
    private Path dataDir;
    private String model = "intent-minilm-mlp";
    private int hidden = 256;
    private int bagBuckets = 1 << 15;
    private int clients = 500;
    private int clientsPerRound = 50;
    private int rounds = 100;
    private PartitionSpec partition = new PartitionSpec(PartitionSpec.Kind.DIRICHLET, 0.1);
    private SelectionKind selection = SelectionKind.UNIFORM;
    private boolean continual;
    private int storeCap;
    private RetentionPolicy retention = RetentionPolicy.OLDEST_FIRST;
    private DpKind dp = DpKind.NONE;
    private double epsilon = 8;
    private double delta = 1e-5;
    private boolean adaptiveClipping = true;
    private double clipInit = AdaptiveClipping.DEFAULT_INITIAL_CLIP_NORM;
    private double clipNorm = Double.POSITIVE_INFINITY;
    private Transport transport = Transport.IN_PROCESS;
    private long seed;
    private int evalEvery = 5;
    private EvalSplit evalSplit = EvalSplit.TEST;
    private int localEpochs = 1;
    private int localBatchSize;
    private double localLearningRate = 10;
    private String localOptimizer = "sgd";
    private double fedproxMu;
    private String serverOptimizer = "fedyogi";
    private double serverLearningRate = 0.03;
    private boolean cosineServerLearningRate;
    private double dropout;
    private int maxTrainExamples;
    private int maxTestExamples;
    private Path embeddingCache;
    private java.util.List<String> probes = java.util.List.of();

    private Builder() {}

    /** Data set: clinc150 or snips. */
    public Builder data(String v) {
      data = v;
      return this;
    }

    /** Data directory (null: environment or ../shared/data). */
    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    /** Model: intent-minilm-mlp or intent-bag. */
    public Builder model(String v) {
      model = v;
      return this;
    }

    /** MiniLM head hidden width (0 = linear). */
    public Builder hidden(int v) {
      hidden = v;
      return this;
    }

    /** Hashed n-gram buckets of the intent-bag model. */
    public Builder bagBuckets(int v) {
      bagBuckets = v;
      return this;
    }

    /** Number of simulated devices. */
    public Builder clients(int v) {
      clients = v;
      return this;
    }

    /** Devices per round. */
    public Builder clientsPerRound(int v) {
      clientsPerRound = v;
      return this;
    }

    /** Rounds. */
    public Builder rounds(int v) {
      rounds = v;
      return this;
    }

    /** Partition of the training set. */
    public Builder partition(PartitionSpec v) {
      partition = v;
      return this;
    }

    /** Selection strategy. */
    public Builder selection(SelectionKind v) {
      selection = v;
      return this;
    }

    /** Continual setting on or off. */
    public Builder continual(boolean v) {
      continual = v;
      return this;
    }

    /** Store cap in examples (0 = unbounded; 20 by default in the continual setting). */
    public Builder storeCap(int v) {
      storeCap = v;
      return this;
    }

    /** Retention policy of full stores. */
    public Builder retention(RetentionPolicy v) {
      retention = v;
      return this;
    }

    /** DP mode. */
    public Builder dp(DpKind v) {
      dp = v;
      return this;
    }

    /** Central DP ε target. */
    public Builder epsilon(double v) {
      epsilon = v;
      return this;
    }

    /** Central DP δ. */
    public Builder delta(double v) {
      delta = v;
      return this;
    }

    /** Adaptive clipping under central DP (default on). */
    public Builder adaptiveClipping(boolean v) {
      adaptiveClipping = v;
      return this;
    }

    /** Initial clip norm C₀ of adaptive clipping (default 0.1). */
    public Builder clipInit(double v) {
      clipInit = v;
      return this;
    }

    /** Fixed server clip norm. */
    public Builder clipNorm(double v) {
      clipNorm = v;
      return this;
    }

    /** Transport. */
    public Builder transport(Transport v) {
      transport = v;
      return this;
    }

    /** Seed. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Evaluation period in rounds. */
    public Builder evalEvery(int v) {
      evalEvery = v;
      return this;
    }

    /** The split evaluated: test (default) or validation. */
    public Builder evalSplit(EvalSplit v) {
      evalSplit = v;
      return this;
    }

    /** Local epochs. */
    public Builder localEpochs(int v) {
      localEpochs = v;
      return this;
    }

    /** Local batch size (0 = full batch, the default). */
    public Builder localBatchSize(int v) {
      localBatchSize = v;
      return this;
    }

    /** Local learning rate. */
    public Builder localLearningRate(double v) {
      localLearningRate = v;
      return this;
    }

    /** Local optimizer: sgd or adam. */
    public Builder localOptimizer(String v) {
      localOptimizer = v;
      return this;
    }

    /** FedProx μ of local training (0 = none). */
    public Builder fedproxMu(double v) {
      fedproxMu = v;
      return this;
    }

    /** Server optimizer: fedavg, fedadam, fedyogi, fedadagrad. */
    public Builder serverOptimizer(String v) {
      serverOptimizer = v;
      return this;
    }

    /** Server learning rate. */
    public Builder serverLearningRate(double v) {
      serverLearningRate = v;
      return this;
    }

    /** Cosine decay of the server learning rate over the rounds. */
    public Builder cosineServerLearningRate(boolean v) {
      cosineServerLearningRate = v;
      return this;
    }

    /** Simulated dropout probability. */
    public Builder dropout(double v) {
      dropout = v;
      return this;
    }

    /** Training examples used (0 = all). */
    public Builder maxTrainExamples(int v) {
      maxTrainExamples = v;
      return this;
    }

    /** Test examples used (0 = all). */
    public Builder maxTestExamples(int v) {
      maxTestExamples = v;
      return this;
    }

    /** Persistent MiniLM embedding cache file (null: default). */
    public Builder embeddingCache(Path v) {
      embeddingCache = v;
      return this;
    }

    /** On-device probes to run each round (default none). */
    public Builder probes(java.util.List<String> v) {
      probes = v;
      return this;
    }

    /** Validates and builds. */
    public SimulationConfig build() {
      return new SimulationConfig(data, dataDir, model, hidden, bagBuckets, clients, clientsPerRound, rounds,
          partition, selection, continual, storeCap, retention, dp, epsilon, delta, adaptiveClipping, clipInit,
          clipNorm, transport, seed, evalEvery, evalSplit, localEpochs, localBatchSize, localLearningRate,
          localOptimizer,
          fedproxMu,
          serverOptimizer, serverLearningRate, cosineServerLearningRate, dropout, maxTrainExamples, maxTestExamples,
          embeddingCache, probes);
    }
  }
}
