package io.trustfl.server.coordinator;

import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.proto.DpMode;
import io.trustfl.proto.EligibilityRules;
import io.trustfl.proto.LocalTraining;
import io.trustfl.proto.Weights;
import io.trustfl.server.aggregation.Aggregator;
import io.trustfl.server.aggregation.ServerOptimizer;
import io.trustfl.server.selection.SelectionStrategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link Coordinator} needs for one federated task. Build with {@link #builder()}; every field is
 * validated once, in {@link Builder#build()}.
 *
 * @param taskId the task's id (in every plan and update)
 * @param modelId the model bundle's id
 * @param modelChecksum hex sha256 of the model bundle devices must hold
 * @param initialWeights the global model of the first round (FLOAT32 tensors); ignored when resuming
 * @param local the local-training hyper-parameters sent in every plan
 * @param eligibility the conditions devices must meet before training
 * @param clipNorm the update clip norm sent to devices ({@code TaskPlan.clip_norm}; 0 = none); under an adaptive
 *     {@link io.trustfl.server.aggregation.CentralDpAggregator} the plan carries its adapted clip norm instead
 * @param dpMode the plan's DP mode
 * @param localNoiseMultiplier σ of local noise under {@code DP_LOCAL}/{@code DP_DISTRIBUTED}
 * @param quantizeBits quantization bits asked of devices (0 = float32)
 * @param clientsPerRound the selection target k
 * @param selection how devices are chosen among the candidates that checked in (wrap in
 *     {@code OverSelection} for over-selection and a quorum)
 * @param minCandidates selection runs as soon as this many devices checked in
 * @param selectionWindow or when this long has passed since the round opened with at least the quorum checked in
 * @param reportingWindow the upload deadline after selection
 * @param maxUploadBytes largest accepted upload body (larger → 413, never read into memory)
 * @param maxUpdateNorm sanity bound on an update's norm (larger → rejected, see {@code RoundSpec.maxNorm})
 * @param rounds rounds to run, ≥ 1
 * @param aggregator validation, clipping, averaging (and central or local DP)
 * @param optimizer the server optimizer; its state is persisted with the checkpoint
 * @param ledger the user-level privacy ledger stepped once per released round, or null without DP accounting
 * @param noiseMultiplier σ the ledger is stepped with (the aggregator's accounting noise multiplier); ignored
 *     without a ledger
 * @param stateDirectory where the state and the accepted updates of the open round are kept
 */
public record CoordinatorConfig(String taskId, String modelId, String modelChecksum, Weights initialWeights,
    LocalTraining local, EligibilityRules eligibility, double clipNorm, DpMode dpMode, double localNoiseMultiplier,
    int quantizeBits, int clientsPerRound, SelectionStrategy selection, int minCandidates, Duration selectionWindow,
    Duration reportingWindow, int maxUploadBytes, double maxUpdateNorm, long rounds, Aggregator aggregator,
    ServerOptimizer optimizer, PrivacyLedger ledger, double noiseMultiplier, Path stateDirectory) {

  /** Validates every field. */
  public CoordinatorConfig {
    requireText(taskId, "taskId");
    requireText(modelId, "modelId");
    Objects.requireNonNull(modelChecksum, "modelChecksum");
    Objects.requireNonNull(initialWeights, "initialWeights");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(eligibility, "eligibility");
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be finite and >= 0, got " + clipNorm);
    }
    Objects.requireNonNull(dpMode, "dpMode");
    if (quantizeBits < 0 || quantizeBits > 16) {
      throw new IllegalArgumentException("quantizeBits must be in [0, 16], got " + quantizeBits);
    }
    if (clientsPerRound < 1) {
      throw new IllegalArgumentException("clientsPerRound must be >= 1, got " + clientsPerRound);
    }
    Objects.requireNonNull(selection, "selection");
    if (minCandidates < 1) {
      throw new IllegalArgumentException("minCandidates must be >= 1, got " + minCandidates);
    }
    requirePositive(selectionWindow, "selectionWindow");
    requirePositive(reportingWindow, "reportingWindow");
    if (maxUploadBytes < 1) {
      throw new IllegalArgumentException("maxUploadBytes must be >= 1, got " + maxUploadBytes);
    }
    if (!(maxUpdateNorm > 0) || Double.isInfinite(maxUpdateNorm)) {
      throw new IllegalArgumentException("maxUpdateNorm must be finite and > 0, got " + maxUpdateNorm);
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    Objects.requireNonNull(aggregator, "aggregator");
    Objects.requireNonNull(optimizer, "optimizer");
    if (ledger != null && (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier))) {
      throw new IllegalArgumentException("noiseMultiplier must be finite and > 0 when a privacy ledger is given,"
          + " got " + noiseMultiplier);
    }
    if (dpMode == DpMode.DP_CENTRAL && ledger == null) {
      throw new IllegalArgumentException("dpMode DP_CENTRAL needs a privacy ledger: every released round must be"
          + " accounted");
    }
    Objects.requireNonNull(stateDirectory, "stateDirectory");
  }

  private static void requireText(String s, String name) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank, got '" + s + "'");
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d);
    }
  }

  /** A builder with defaults: no DP, FedAvg, 1 round, 8 MiB uploads, 10 s selection, 60 s reporting. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link CoordinatorConfig}. Not thread-safe. */
  public static final class Builder {
    private String taskId;
    private String modelId;
    private String modelChecksum = "";
    private Weights initialWeights;
    private LocalTraining local;
    private EligibilityRules eligibility = EligibilityRules.getDefaultInstance();
    private double clipNorm;
    private DpMode dpMode = DpMode.DP_NONE;
    private double localNoiseMultiplier;
    private int quantizeBits;
    private int clientsPerRound = 1;
    private SelectionStrategy selection;
    private int minCandidates = 1;
    private Duration selectionWindow = Duration.ofSeconds(10);
    private Duration reportingWindow = Duration.ofSeconds(60);
    private int maxUploadBytes = 8 << 20;
    private double maxUpdateNorm = 1e6;
    private long rounds = 1;
    private Aggregator aggregator;
    private ServerOptimizer optimizer = ServerOptimizer.fedAvg(1.0);
    private PrivacyLedger ledger;
    private double noiseMultiplier;
    private Path stateDirectory;

    private Builder() {}

    /** The task id. */
    public Builder taskId(String v) {
      taskId = v;
      return this;
    }

    /** The model id and the bundle checksum devices must hold. */
    public Builder model(String id, String checksum) {
      modelId = id;
      modelChecksum = checksum;
      return this;
    }

    /** The first round's global weights. */
    public Builder initialWeights(Weights v) {
      initialWeights = v;
      return this;
    }

    /** Local training hyper-parameters. */
    public Builder local(LocalTraining v) {
      local = v;
      return this;
    }

    /** Device conditions. */
    public Builder eligibility(EligibilityRules v) {
      eligibility = v;
      return this;
    }

    /** The update clip norm devices apply (0 = none). */
    public Builder clipNorm(double v) {
      clipNorm = v;
      return this;
    }

    /** DP mode of the plan and, for local noise, its multiplier. */
    public Builder dp(DpMode mode, double localNoise) {
      dpMode = mode;
      localNoiseMultiplier = localNoise;
      return this;
    }

    /** Quantization bits asked of devices (0 = none). */
    public Builder quantizeBits(int v) {
      quantizeBits = v;
      return this;
    }

    /** Selection target and strategy. */
    public Builder selection(int perRound, SelectionStrategy strategy) {
      clientsPerRound = perRound;
      selection = strategy;
      return this;
    }

    /** When selection runs: at this many candidates, or after the window with a quorum. */
    public Builder selectionTrigger(int candidates, Duration window) {
      minCandidates = candidates;
      selectionWindow = window;
      return this;
    }

    /** Upload deadline after selection. */
    public Builder reportingWindow(Duration v) {
      reportingWindow = v;
      return this;
    }

    /** Largest upload body in bytes. */
    public Builder maxUploadBytes(int v) {
      maxUploadBytes = v;
      return this;
    }

    /** Norm sanity bound. */
    public Builder maxUpdateNorm(double v) {
      maxUpdateNorm = v;
      return this;
    }

    /** Rounds to run. */
    public Builder rounds(long v) {
      rounds = v;
      return this;
    }

    /** The aggregator. */
    public Builder aggregator(Aggregator v) {
      aggregator = v;
      return this;
    }

    /** The server optimizer. */
    public Builder optimizer(ServerOptimizer v) {
      optimizer = v;
      return this;
    }

    /**
     * User-level accounting: the ledger (a fresh one; a resumed task restores its own from the state directory)
     * and the σ it is stepped with each round.
     */
    public Builder accounting(PrivacyLedger v, double sigma) {
      ledger = v;
      noiseMultiplier = sigma;
      return this;
    }

    /** State directory. */
    public Builder stateDirectory(Path v) {
      stateDirectory = v;
      return this;
    }

    /** Validates and builds. */
    public CoordinatorConfig build() {
      return new CoordinatorConfig(taskId, modelId, modelChecksum, initialWeights, local, eligibility, clipNorm,
          dpMode, localNoiseMultiplier, quantizeBits, clientsPerRound, selection, minCandidates, selectionWindow,
          reportingWindow, maxUploadBytes, maxUpdateNorm, rounds, aggregator, optimizer, ledger, noiseMultiplier,
          stateDirectory);
    }
  }
}
