package io.trustfl.client;

import io.trustfl.fairness.ProbeMetrics;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.PrivacyBudgetExceededException;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.proto.CheckIn;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.DpMode;
import io.trustfl.proto.LocalTraining;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.TaskPlan;
import io.trustfl.train.Batch;
import io.trustfl.train.DpSgdSpec;
import io.trustfl.train.EpochStats;
import io.trustfl.train.OptimizerSpec;
import io.trustfl.train.Params;
import io.trustfl.train.StepModel;
import io.trustfl.train.Trainer;
import io.trustfl.train.TrainingConfig;
import io.trustfl.train.TrainingResult;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The federated device client: task plan and local examples in, {@link ClientUpdate} out (DESIGN.md, "One federated
 * round", step 3).
 *
 * <p>{@link #run} checks, in order: the plan's format version; that the device holds the plan's model with the
 * plan's checksum; the deadline; the host app's {@link Eligibility} against the plan's rules; that the store holds
 * examples with known labels. It then trains locally with the {@link Trainer} (plain, DP-SGD when the plan says
 * {@code dp_sgd}, with the FedProx proximal term when {@code fedprox_mu > 0}), computes {@code Δ = local − global}
 * and passes Δ through the {@link UpdatePipeline} (by default {@link UpdatePipeline#forPlan}: clip to the plan's
 * norm, local noise under local DP, stochastic quantization).
 *
 * <p>After training, each probe the plan names ({@code TaskPlan.probes}) that this client was given with
 * {@link Builder#probe} runs on the trained local model and the training examples; only its {@link ProbeMetrics}
 * aggregates ({@code fairness.<probe>.*}) go into the update's metrics, never an example. Names this client does not
 * know are skipped and counted in {@code fairness.unknown_probes}.
 *
 * <p>Under {@code DP_LOCAL} and {@code DP_DISTRIBUTED} the update carries nothing un-noised about the device's data:
 * no training loss, no pre-clip norm, an example count of 1, and no probe is run.
 *
 * <p>Not thread-safe: one round at a time per client. The kernel backend and the store are the caller's.
 */
public final class FederatedClient {
  /** Metrics that do not depend on the device's data, the only ones sent under local or distributed DP. */
  private static final Set<String> DATA_INDEPENDENT_METRICS = Set.of("local_noise_stddev", "quantization_bits");

  private final String deviceId;
  private final ExampleStore store;
  private final Map<String, ClientModel> models;
  private final Eligibility eligibility;
  private final Kernels kernels;
  private final PrivacyLedger exampleLedger;
  private final Clock clock;
  private final BiFunction<TaskPlan, Kernels, UpdatePipeline> pipelines;
  private final Map<String, LocalProbe> probes;

  /**
   * An on-device probe: runs on the locally trained model and the examples it was trained on and returns only
   * aggregate numbers.
   */
  @FunctionalInterface
  public interface LocalProbe {
    /**
     * Runs the probe.
     *
     * @param model the model bundle trained this round
     * @param trained the locally trained parameters
     * @param examples the examples of this round's local training
     * @param store the store they come from
     * @return the probe's aggregates (its name must be the one the probe was registered under)
     */
    ProbeMetrics run(ClientModel model, Params trained, List<StoredExample> examples, ExampleStore store);
  }

  private FederatedClient(Builder b) {
    this.deviceId = b.deviceId;
    this.store = b.store;
    this.models = Map.copyOf(b.models);
    this.eligibility = b.eligibility;
    this.kernels = b.kernels;
    this.exampleLedger = b.exampleLedger;
    this.clock = b.clock;
    this.pipelines = b.pipelines;
    this.probes = Map.copyOf(b.probes);
  }

  /** A builder; device id, store and kernels are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** This device's id. */
  public String deviceId() {
    return deviceId;
  }

  /**
   * The check-in message for now: the device state from {@link Eligibility}, the store's activity (marking the
   * check-in in the store, so the next one counts from now) and the checksums of the models held.
   */
  public CheckIn checkIn() {
    StoreActivity a = store.checkIn();
    CheckIn.Builder c = CheckIn.newBuilder().setVersion(ProtocolVersions.current()).setDeviceId(deviceId)
        .setState(eligibility.toDeviceState()).setExamplesAvailable(a.examplesAvailable())
        .setExamplesAddedSinceLastCheckin(a.addedSinceLastCheckIn()).setUnixMillis(clock.millis());
    models.values().stream().map(ClientModel::checksum).sorted().forEach(c::addModelChecksums);
    return c.build();
  }

  /**
   * Runs one round of {@code plan}.
   *
   * @return the update to upload, or the reason the device did not train
   */
  public ClientOutcome run(TaskPlan plan) {
    Objects.requireNonNull(plan, "plan");
    try {
      ProtocolVersions.check("TaskPlan", plan.getVersion());
    } catch (ProtocolVersions.IncompatibleFormatException e) {
      return refuse(ClientOutcome.Reason.INVALID_PLAN, e.getMessage());
    }
    ClientModel model = models.get(plan.getModelId());
    if (model == null) {
      return refuse(ClientOutcome.Reason.UNKNOWN_MODEL, "this device does not hold model '" + plan.getModelId()
          + "' (it holds " + new TreeSet<>(models.keySet()) + ")");
    }
    if (!model.checksum().equalsIgnoreCase(plan.getModelChecksum())) {
      return refuse(ClientOutcome.Reason.CHECKSUM_MISMATCH, "plan names model '" + plan.getModelId()
          + "' with checksum " + plan.getModelChecksum() + " but this device holds checksum " + model.checksum()
          + ": update the model bundle before training");
    }
    long now = clock.millis();
    if (plan.getDeadlineUnixMillis() > 0 && now >= plan.getDeadlineUnixMillis()) {
      return refuse(ClientOutcome.Reason.DEADLINE_PASSED, "upload deadline " + plan.getDeadlineUnixMillis()
          + " ms has passed (now " + now + " ms)");
    }
    Eligibility.Verdict v = Eligibility.check(plan.getEligibility(), eligibility);
    if (!v.eligible()) {
      return refuse(ClientOutcome.Reason.NOT_ELIGIBLE, "device conditions not met: " + v.reason());
    }

    Map<String, Integer> labelIndex = new HashMap<>();
    for (int i = 0; i < model.labels().size(); i++) {
      labelIndex.put(model.labels().get(i), i);
    }
    List<StoredExample> usable = new ArrayList<>();
    long unknown = 0;
    for (StoredExample e : store.examples()) {
      if (labelIndex.containsKey(e.label())) {
        usable.add(e);
      } else {
        unknown++;
      }
    }
    LocalTraining local = plan.getLocal();
    if (local.getMaxExamples() > 0 && usable.size() > local.getMaxExamples()) {
      usable = randomSubset(usable, local.getMaxExamples());
    }
    if (usable.isEmpty()) {
      return refuse(ClientOutcome.Reason.NO_EXAMPLES, "the store holds no example with a label of model '"
          + plan.getModelId() + "' (" + unknown + " with unknown labels)");
    }

    Params global;
    TrainingConfig config;
    UpdatePipeline pipeline;
    try {
      global = Params.fromWeights(plan.getGlobalWeights());
      config = trainingConfig(local, usable.size());
      pipeline = pipelines.apply(plan, kernels);
    } catch (IllegalArgumentException e) {
      return refuse(ClientOutcome.Reason.INVALID_PLAN, e.getMessage());
    }
    if (config.isPrivate() && exampleLedger == null) {
      return refuse(ClientOutcome.Reason.INVALID_PLAN, "plan asks for example-level DP-SGD but this client has no"
          + " privacy ledger to record it (configure exampleLevelLedger)");
    }
    int[] labels = new int[usable.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = labelIndex.get(usable.get(i).label());
    }
    Batch data = new Batch(model.features(usable, store), labels);
    StepModel stepModel = model.stepModel();
    if (local.getFedproxMu() > 0) {
      stepModel = new ProximalStepModel(stepModel, global, local.getFedproxMu(), config.batchSize());
    } else if (local.getFedproxMu() < 0 || Double.isNaN(local.getFedproxMu())) {
      return refuse(ClientOutcome.Reason.INVALID_PLAN, "fedprox_mu must be >= 0, got " + local.getFedproxMu());
    }

    TrainingResult result;
    try {
      result = new Trainer(kernels).train(stepModel, global, data, null, config,
          config.isPrivate() ? exampleLedger : null);
    } catch (PrivacyBudgetExceededException e) {
      return refuse(ClientOutcome.Reason.BUDGET_EXHAUSTED, e.getMessage());
    } catch (IllegalArgumentException e) {
      return refuse(ClientOutcome.Reason.INVALID_PLAN, "local training refused the plan: " + e.getMessage());
    }

    Params trained = result.params();
    List<String> names = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    for (int t = 0; t < trained.count(); t++) {
      float[] l = trained.values(t);
      float[] g = global.values(t);
      float[] d = new float[l.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = l[i] - g[i];
      }
      names.add(trained.names().get(t));
      shapes.add(trained.shape(t));
      values.add(d);
    }
    UpdateDelta delta = new UpdateDelta(names, shapes, values);
    Map<String, Double> metrics = new LinkedHashMap<>();
    double normBefore = delta.l2Norm();
    pipeline.apply(delta, metrics);
    List<EpochStats> h = result.history();
    if (!h.isEmpty() && Double.isFinite(h.get(h.size() - 1).trainLoss())) {
      metrics.put("train_loss", h.get(h.size() - 1).trainLoss());
    }
    metrics.put("local_steps", (double) result.steps());
    metrics.put("examples_unknown_label", (double) unknown);
    if (config.isPrivate()) {
      metrics.put("example_level_epsilon", result.epsilonSpent());
    }
    long exampleCount = usable.size();
    boolean localDp = plan.getDpMode() == DpMode.DP_LOCAL || plan.getDpMode() == DpMode.DP_DISTRIBUTED;
    if (!localDp && plan.getProbesCount() > 0) {
      runProbes(plan.getProbesList(), model, trained, usable, metrics);
    }
    if (localDp) {
      // Under local (or distributed) DP the server is not trusted with anything un-noised: the loss, the delta's
      // norm and the example count all depend on the device's data. Only the noised delta and data-independent
      // settings leave the device; the count is reported as 1 (local-DP averaging is uniform anyway).
      metrics.keySet().retainAll(DATA_INDEPENDENT_METRICS);
      normBefore = 0;
      exampleCount = 1;
    }
    ClientUpdate update = ClientUpdate.newBuilder().setVersion(ProtocolVersions.current())
        .setTaskId(plan.getTaskId()).setRound(plan.getRound()).setDeviceId(deviceId)
        .setDelta(delta.toWeights()).setExampleCount(exampleCount).setDeltaNormBeforeClip(normBefore)
        .putAllMetrics(metrics).setModelChecksum(model.checksum()).build();
    return new ClientOutcome.Trained(update);
  }

  private void runProbes(List<String> names, ClientModel model, Params trained, List<StoredExample> usable,
      Map<String, Double> metrics) {
    int unknownProbes = 0;
    for (String name : new TreeSet<>(names)) {
      LocalProbe p = probes.get(name);
      if (p == null) {
        unknownProbes++;
        continue;
      }
      ProbeMetrics pm = p.run(model, trained, usable, store);
      if (!pm.probe().equals(name)) {
        throw new IllegalStateException("probe registered as '" + name + "' returned metrics of probe '"
            + pm.probe() + "'");
      }
      metrics.putAll(pm.asUpdateMetrics());
    }
    if (unknownProbes > 0) {
      metrics.put(ProbeMetrics.PREFIX + "unknown_probes", (double) unknownProbes);
    }
  }

  private static TrainingConfig trainingConfig(LocalTraining local, int n) {
    if (local.getEpochs() < 1) {
      throw new IllegalArgumentException("plan local.epochs must be >= 1, got " + local.getEpochs());
    }
    if (local.getBatchSize() < 0) {
      throw new IllegalArgumentException("plan local.batch_size must be at most " + Integer.MAX_VALUE + ", got "
          + Integer.toUnsignedString(local.getBatchSize()));
    }
    // batch_size 0 = full batch: every example of this round in one batch (with one epoch, a FedSGD step).
    int batch = local.getBatchSize() == 0 ? n : local.getBatchSize();
    String opt = local.getOptimizer().isEmpty() ? "sgd" : local.getOptimizer().toLowerCase(Locale.ROOT);
    OptimizerSpec spec = switch (opt) {
      case "sgd" -> new OptimizerSpec.Sgd(local.getLearningRate(), local.getMomentum());
      case "adam" -> OptimizerSpec.Adam.withDefaults(local.getLearningRate());
      default -> throw new IllegalArgumentException("plan local.optimizer must be \"sgd\" or \"adam\", got \""
          + local.getOptimizer() + "\"");
    };
    TrainingConfig.Builder b = TrainingConfig.builder().epochs(local.getEpochs())
        .optimizer(spec).patience(0).restoreBest(false).shuffleSeed(new SecureRandom().nextLong());
    if (local.getDpSgd()) {
      // Under DP the batch size is the expected Poisson batch, at most the number of examples.
      b.batchSize(Math.min(batch, n))
          .dp(DpSgdSpec.withNoiseMultiplier(local.getDpClipNorm(), local.getDpNoiseMultiplier()));
    } else {
      b.batchSize(batch);
    }
    return b.build();
  }

  private static List<StoredExample> randomSubset(List<StoredExample> all, int k) {
    List<StoredExample> copy = new ArrayList<>(all);
    SecureRandom rnd = new SecureRandom();
    for (int i = 0; i < k; i++) {
      int j = i + rnd.nextInt(copy.size() - i);
      StoredExample t = copy.get(i);
      copy.set(i, copy.get(j));
      copy.set(j, t);
    }
    return new ArrayList<>(copy.subList(0, k));
  }

  private static ClientOutcome refuse(ClientOutcome.Reason reason, String detail) {
    return new ClientOutcome.Refused(reason, detail);
  }

  /** Builds a {@link FederatedClient}. Not thread-safe. */
  public static final class Builder {
    private String deviceId;
    private ExampleStore store;
    private final Map<String, ClientModel> models = new HashMap<>();
    private Eligibility eligibility = Eligibility.always();
    private Kernels kernels;
    private PrivacyLedger exampleLedger;
    private Clock clock = Clock.systemUTC();
    private BiFunction<TaskPlan, Kernels, UpdatePipeline> pipelines = UpdatePipeline::forPlan;
    private final Map<String, LocalProbe> probes = new HashMap<>();

    private Builder() {}

    /**
     * Registers an on-device probe that plans can name in {@code TaskPlan.probes} (one per name).
     *
     * @param name the probe name, {@code [a-z][a-z0-9_]*} (e.g. {@code counterfactual})
     */
    public Builder probe(String name, LocalProbe probe) {
      Objects.requireNonNull(probe, "probe");
      if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException("probe name must match [a-z][a-z0-9_]*, got '" + name + "'");
      }
      if (probes.putIfAbsent(name, probe) != null) {
        throw new IllegalArgumentException("probe '" + name + "' added twice");
      }
      return this;
    }

    /** The device id sent with check-ins and updates; not blank. */
    public Builder deviceId(String deviceId) {
      this.deviceId = deviceId;
      return this;
    }

    /** The local example store (owned by the caller). */
    public Builder store(ExampleStore store) {
      this.store = store;
      return this;
    }

    /** Adds a model the device holds (one per model id). */
    public Builder model(ClientModel model) {
      Objects.requireNonNull(model, "model");
      if (models.putIfAbsent(model.modelId(), model) != null) {
        throw new IllegalArgumentException("model id '" + model.modelId() + "' added twice");
      }
      return this;
    }

    /** The host app's eligibility conditions (default: always eligible). */
    public Builder eligibility(Eligibility eligibility) {
      this.eligibility = Objects.requireNonNull(eligibility, "eligibility");
      return this;
    }

    /** The kernel backend for training noise and local DP noise (owned by the caller). */
    public Builder kernels(Kernels kernels) {
      this.kernels = kernels;
      return this;
    }

    /**
     * The device's ledger for example-level DP-SGD (plans with {@code dp_sgd}); the host persists it with
     * {@link PrivacyLedger#toState()}. Without one, DP-SGD plans are refused.
     */
    public Builder exampleLevelLedger(PrivacyLedger ledger) {
      this.exampleLedger = ledger;
      return this;
    }

    /** The clock deadlines are checked against (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How the update pipeline is built from a plan (default {@link UpdatePipeline#forPlan}). */
    public Builder pipelines(BiFunction<TaskPlan, Kernels, UpdatePipeline> pipelines) {
      this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
      return this;
    }

    /** Validates and builds. */
    public FederatedClient build() {
      if (deviceId == null || deviceId.trim().isEmpty()) {
        throw new IllegalArgumentException("deviceId must not be blank, got '" + deviceId + "'");
      }
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(kernels, "kernels");
      if (models.isEmpty()) {
        throw new IllegalArgumentException("a client needs at least one model");
      }
      return new FederatedClient(this);
    }
  }
}
