package io.trustfl.server.coordinator;

import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.PrivacyBudgetExceededException;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.proto.CheckIn;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.DeviceState;
import io.trustfl.proto.EligibilityRules;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.RoundSummary;
import io.trustfl.proto.TaskPlan;
import io.trustfl.proto.Weights;
import io.trustfl.server.aggregation.AggregateResult;
import io.trustfl.server.aggregation.Aggregator;
import io.trustfl.server.aggregation.CentralDpAggregator;
import io.trustfl.server.aggregation.ModelLayout;
import io.trustfl.server.aggregation.PartialAggregate;
import io.trustfl.server.aggregation.RejectionReason;
import io.trustfl.server.aggregation.RoundSpec;
import io.trustfl.server.aggregation.UpdateVerdict;
import io.trustfl.server.coordinator.CoordinatorState.Phase;
import io.trustfl.server.selection.Candidate;
import io.trustfl.server.selection.Selection;
import io.trustfl.train.WeightsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The round state machine of one federated task, independent of the transport ({@link CoordinatorServer} puts it on
 * HTTP).
 *
 * <p><b>A round.</b> SELECTION: devices {@link #checkIn}; those that hold the model and meet the plan's conditions
 * become candidates. When {@code minCandidates} checked in, or the selection window has passed, the configured
 * {@code SelectionStrategy} draws the round's devices; the selection (with the accountant's sampling rate, the
 * selection's largest inclusion probability) is written to disk before any plan is served. REPORTING: selected
 * devices get the plan ({@link #checkIn} or {@link #planFor}) and {@link #upload} until the deadline. Each upload is
 * validated and re-clipped by the aggregation package's {@link PartialAggregate}; an accepted one is written to its
 * own file (temp, force, atomic rename, force the directory) <em>before</em> it is acknowledged. The round closes at
 * the deadline, or earlier once every selected device has had its update decided. With at least the quorum of
 * accepted updates, the privacy ledger is stepped, the aggregate released (noise, if any, added once), the server
 * optimizer applied and the new checkpoint — next round, global weights, optimizer and accountant state — written
 * atomically; only then are the new weights served. Below the quorum the round is reopened (same number, next
 * attempt) and its updates discarded unreleased.
 *
 * <p><b>Restart.</b> {@link #open} on the same state directory resumes: the checkpoint gives the round, phase,
 * selection, deadline, weights, optimizer, accountant and, for a {@link CentralDpAggregator}, its clip state (the
 * adapted clip norm and the last released round, handed to {@link CentralDpAggregator#restore}, so that adaptive
 * clipping continues from the adapted C rather than the configured C₀); the accepted updates of the open round are re-read and
 * re-offered. A crash can lose only what was never acknowledged: candidates that checked in (they check in again)
 * and updates not yet answered. If the process dies after the accountant step but before the checkpoint write, the
 * step was never persisted and the aggregate never served, so re-running the release is not a second release.
 *
 * <p><b>Accounting.</b> The ledger is stepped once per released round with the configured σ and, as sampling rate,
 * the round's largest inclusion probability among the devices that checked in ({@code Selection
 * .maxInclusionProbability()}); a device that did not check in had probability 0 that round. Amplification by
 * sampling assumes the selection is secret and drawn as the strategy's scheme says.
 *
 * <p><b>Clip norm.</b> The plan's {@code clip_norm} is the configured one, except under adaptive clipping
 * ({@link CentralDpAggregator#isAdaptive()}), where it is the aggregator's adapted C of the round, the norm the
 * server re-clips every update to.
 *
 * <p><b>Limits.</b> Each selected device gets one decision per round: a rejected update is final. Candidates are
 * kept in memory only.
 *
 * <p>Thread-safe: every method takes one lock (uploads are serialized, including their disk write). The kernel
 * backend is the caller's.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Coordinator.class.getName());
  private static final String SUMMARIES = "summaries.log";

  private final CoordinatorConfig config;
  private final Kernels kernels;
  private final Clock clock;
  private final Path dir;
  private final ModelLayout layout;
  private final PrivacyLedger ledger;
  private final Object lock = new Object();

  private CoordinatorState state;
  private float[] global;
  private final Map<String, Candidate> candidates = new LinkedHashMap<>();
  private Set<String> selected = Set.of();
  private final Set<String> accepted = new HashSet<>();
  private final Set<String> decided = new HashSet<>();
  private final Map<String, Long> transportRejections = new TreeMap<>();
  private PartialAggregate partial;
  private byte[] planBytes;
  private final List<RoundSummary> summaries = new ArrayList<>();
  private boolean failed;
  private boolean closed;

  private Coordinator(CoordinatorConfig config, Kernels kernels, Clock clock, CoordinatorState state,
      PrivacyLedger ledger) {
    this.config = config;
    this.kernels = kernels;
    this.clock = clock;
    this.dir = config.stateDirectory();
    this.state = state;
    this.layout = ModelLayout.of(state.global());
    this.global = layout.flatten(state.global());
    this.ledger = ledger;
  }

  /**
   * Opens the task: resumes it from {@code config.stateDirectory()} when a checkpoint is there, else starts round
   * 0 from the initial weights (writing the first checkpoint).
   *
   * @param kernels backend for the round's sums (owned by the caller; must outlive the coordinator)
   * @throws IOException if the state cannot be read or written
   */
  public static Coordinator open(CoordinatorConfig config, Kernels kernels, Clock clock) throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(kernels, "kernels");
    Objects.requireNonNull(clock, "clock");
    Files.createDirectories(config.stateDirectory());
    CoordinatorState s = CoordinatorState.read(config.stateDirectory());
    PrivacyLedger ledger = config.ledger();
    boolean fresh = s == null;
    if (fresh) {
      ModelLayout.of(config.initialWeights()).flatten(config.initialWeights());
      s = new CoordinatorState(0, 0, Phase.SELECTION, clock.millis(), 0, List.of(), 0, 1,
          config.initialWeights(), config.optimizer().state(), ledger == null ? null : ledger.toState(),
          clipState(config.aggregator()), 0, "");
    } else if (ledger == null && s.accountant() != null) {
      throw new IOException("the checkpoint in " + config.stateDirectory() + " carries privacy accounting, but the"
          + " configuration has no ledger: resuming would stop accounting the task's rounds; configure accounting");
    } else if (ledger != null) {
      if (s.accountant() == null) {
        throw new IOException("the checkpoint in " + config.stateDirectory() + " has no accountant state, but the"
            + " configuration asks for DP accounting: refusing to resume with a fresh ledger");
      }
      ledger = PrivacyLedger.fromState(s.accountant());
    }
    if (!fresh) {
      restoreClipping(config, s);
    }
    config.optimizer().restore(s.optimizer());
    Coordinator c = new Coordinator(config, kernels, clock, s, ledger);
    if (fresh) {
      s.write(config.stateDirectory());
    }
    c.resume();
    return c;
  }

  /** The aggregator's state to checkpoint: a {@link CentralDpAggregator}'s clip state, else null. */
  private static CentralDpAggregator.ClipState clipState(Aggregator aggregator) {
    return aggregator instanceof CentralDpAggregator dp ? dp.clipState() : null;
  }

  /** Hands the checkpointed clip state to the configured aggregator, refusing a checkpoint that does not fit it. */
  private static void restoreClipping(CoordinatorConfig config, CoordinatorState s) throws IOException {
    Path d = config.stateDirectory();
    if (!(config.aggregator() instanceof CentralDpAggregator dp)) {
      if (s.clipping() != null) {
        throw new IOException("the checkpoint in " + d + " holds central DP clipping state, but the configured"
            + " aggregator is not a CentralDpAggregator: resuming would drop the task's central noise; configure"
            + " the central DP aggregator the task was started with");
      }
      return;
    }
    if (s.clipping() == null) {
      if (dp.isAdaptive()) {
        throw new IOException("the checkpoint in " + d + " has no clip state for the adaptive clipping aggregator"
            + " (written by a coordinator without central DP or before checkpoint version 2): resuming would restart"
            + " adaptive clipping from its initial clip norm");
      }
      dp.restore(new CentralDpAggregator.ClipState(dp.currentClipNorm(), s.round() - 1));
      return;
    }
    try {
      dp.restore(s.clipping());
    } catch (IllegalArgumentException e) {
      throw new IOException("the checkpoint in " + d + " does not fit the configured aggregator: "
          + e.getMessage(), e);
    }
  }

  private void resume() throws IOException {
    summaries.addAll(readSummaries());
    if (state.phase() == Phase.REPORTING) {
      selected = Set.copyOf(state.selected());
      partial = config.aggregator().open(kernels, roundSpec());
      Path rd = roundDir();
      if (Files.isDirectory(rd)) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(rd, "*.update")) {
          ds.forEach(files::add);
        }
        files.sort(null);
        for (Path f : files) {
          ClientUpdate u = ClientUpdate.parseFrom(Files.readAllBytes(f));
          UpdateVerdict v = partial.offer(u);
          if (!v.accepted()) {
            throw new IOException("stored update " + f + " no longer passes validation (" + v.detail() + "); the"
                + " state directory was modified or the configuration changed");
          }
          accepted.add(u.getDeviceId());
          decided.add(u.getDeviceId());
        }
      }
      LOG.info(() -> "resumed task " + config.taskId() + " round " + state.round() + " with " + accepted.size()
          + " accepted updates");
    }
    deleteStaleRoundDirs();
  }

  /** What a check-in gets: a plan, or the reason there is none for this device now. */
  public record CheckInReply(byte[] plan, String reason) {
    /** True when a plan is included. */
    public boolean hasPlan() {
      return plan != null;
    }
  }

  /**
   * Registers a device's check-in.
   *
   * @return the plan when the device is selected for the open round and has not reported; otherwise the reason
   *     ("selection_pending": registered as a candidate, ask for the plan again later; "model_not_held",
   *     "not_eligible", "round_in_progress", "task_finished")
   * @throws ProtocolVersions.IncompatibleFormatException for an unreadable format version
   */
  public CheckInReply checkIn(CheckIn c) {
    ProtocolVersions.check("CheckIn", c.getVersion());
    if (c.getDeviceId().isEmpty()) {
      throw new IllegalArgumentException("CheckIn.device_id must not be empty");
    }
    synchronized (lock) {
      ensureUsable();
      switch (state.phase()) {
        case DONE -> {
          return new CheckInReply(null, "task_finished");
        }
        case REPORTING -> {
          if (selected.contains(c.getDeviceId()) && !decided.contains(c.getDeviceId())) {
            return new CheckInReply(plan(), "");
          }
          return new CheckInReply(null, "round_in_progress");
        }
        default -> {
          if (!config.modelChecksum().isEmpty() && !c.getModelChecksumsList().contains(config.modelChecksum())) {
            return new CheckInReply(null, "model_not_held");
          }
          if (!meets(config.eligibility(), c.getState())) {
            return new CheckInReply(null, "not_eligible");
          }
          candidates.put(c.getDeviceId(), new Candidate(c.getDeviceId(), c.getExamplesAvailable()));
          return new CheckInReply(null, "selection_pending");
        }
      }
    }
  }

  private static boolean meets(EligibilityRules r, DeviceState s) {
    return (!r.getRequireCharging() || s.getCharging()) && (!r.getRequireIdle() || s.getIdle())
        && (!r.getRequireUnmeteredNetwork() || s.getUnmeteredNetwork())
        && (r.getMinBatteryLevel() <= 0 || s.getBatteryLevel() >= r.getMinBatteryLevel());
  }

  /** The plan of the open round for a selected device that has not reported yet, else the reason in a reply. */
  public CheckInReply planFor(String deviceId) {
    synchronized (lock) {
      ensureUsable();
      if (state.phase() == Phase.DONE) {
        return new CheckInReply(null, "task_finished");
      }
      if (state.phase() == Phase.SELECTION) {
        return new CheckInReply(null, candidates.containsKey(deviceId) ? "selection_pending" : "not_checked_in");
      }
      if (!selected.contains(deviceId)) {
        return new CheckInReply(null, "not_selected");
      }
      if (decided.contains(deviceId)) {
        return new CheckInReply(null, "already_reported");
      }
      return new CheckInReply(plan(), "");
    }
  }

  /** How an upload was answered. */
  public enum UploadStatus {
    /** Validated, durably recorded, counted in the round. */
    ACCEPTED(200),
    /** Malformed body (not a ClientUpdate, or an unreadable version). */
    MALFORMED(400),
    /** From a device not selected for the round. */
    NOT_SELECTED(403),
    /** Failed validation, or a second update from the same device. */
    REJECTED(409),
    /** After the deadline, or for a round already closed. */
    LATE(410),
    /** Larger than the upload limit. */
    TOO_LARGE(413),
    /** The coordinator could not record it (disk error) or is shut down; retry later. */
    UNAVAILABLE(503);

    private final int httpStatus;

    UploadStatus(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The HTTP status this answer maps to. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  /**
   * The answer to an upload.
   *
   * @param status the category
   * @param reason snake_case reason ("accepted", a {@link RejectionReason#wireName()}, "duplicate", ...)
   * @param detail explanation in words
   */
  public record UploadReply(UploadStatus status, String reason, String detail) {}

  /**
   * Handles one uploaded update; an {@link UploadStatus#ACCEPTED} reply means it is on disk.
   */
  public UploadReply upload(ClientUpdate u) {
    synchronized (lock) {
      if (failed || closed) {
        return new UploadReply(UploadStatus.UNAVAILABLE, "unavailable", "the coordinator is not accepting updates");
      }
      String dev = u.getDeviceId();
      if (state.phase() != Phase.REPORTING || u.getRound() < state.round()) {
        countTransport(RejectionReason.LATE.wireName());
        return new UploadReply(UploadStatus.LATE, RejectionReason.LATE.wireName(), "round " + u.getRound()
            + " is not open for uploads (open round " + state.round() + ", phase " + state.phase() + ")");
      }
      if (clock.millis() >= state.deadlineMillis()) {
        partial.countRejection(RejectionReason.LATE);
        return new UploadReply(UploadStatus.LATE, RejectionReason.LATE.wireName(), "the upload deadline "
            + state.deadlineMillis() + " ms of round " + state.round() + " has passed");
      }
      if (!selected.contains(dev)) {
        countTransport("not_selected");
        return new UploadReply(UploadStatus.NOT_SELECTED, "not_selected", "device '" + dev
            + "' was not selected for round " + state.round());
      }
      if (decided.contains(dev)) {
        countTransport("duplicate");
        return new UploadReply(UploadStatus.REJECTED, "duplicate", "device '" + dev + "' already reported for round "
            + state.round());
      }
      UpdateVerdict v = partial.offer(u);
      decided.add(dev);
      if (!v.accepted()) {
        return new UploadReply(UploadStatus.REJECTED, v.reason().wireName(), v.detail());
      }
      try {
        Path rd = roundDir();
        Files.createDirectories(rd);
        WeightsFile.writeBytes(rd.resolve(fileName(dev)), u.toByteArray());
      } catch (IOException e) {
        // The sum already holds an update that is not on disk: stop; a restart rebuilds from what is on disk.
        LOG.log(Level.SEVERE, "could not record an accepted update; the coordinator stops", e);
        failed = true;
        return new UploadReply(UploadStatus.UNAVAILABLE, "unavailable", "could not record the update: "
            + e.getMessage());
      }
      accepted.add(dev);
      try {
        maybeCloseEarly();
      } catch (UncheckedIOException e) {
        LOG.log(Level.SEVERE, "could not write the checkpoint after the last report", e);
      }
      return new UploadReply(UploadStatus.ACCEPTED, "accepted", "recorded for round " + state.round());
    }
  }

  /** Counts an upload the transport refused before parsing it ("malformed", "too_large"). */
  public void countTransportRejection(String reason) {
    synchronized (lock) {
      countTransport(reason);
    }
  }

  private void countTransport(String reason) {
    transportRejections.merge(reason, 1L, Long::sum);
  }

  private void maybeCloseEarly() {
    if (decided.containsAll(selected)) {
      finishRound();
    }
  }

  /**
   * Advances the state machine by the clock: runs selection when due, closes the reporting phase at the deadline.
   * Called periodically by {@link CoordinatorServer}; safe to call at any time.
   */
  public void tick() {
    synchronized (lock) {
      if (failed || closed) {
        return;
      }
      long now = clock.millis();
      if (state.phase() == Phase.SELECTION && !candidates.isEmpty()
          && (candidates.size() >= config.minCandidates()
              || now - state.openedMillis() >= config.selectionWindow().toMillis())) {
        select(now);
      } else if (state.phase() == Phase.REPORTING && now >= state.deadlineMillis()) {
        finishRound();
      }
    }
  }

  private void select(long now) {
    Selection sel = config.selection().select(new ArrayList<>(candidates.values()), config.clientsPerRound(),
        Selection.secureRandom());
    if (sel.selected().size() < sel.minimumQuorum()) {
      LOG.info(() -> "round " + state.round() + ": selection drew " + sel.selected().size() + " of "
          + candidates.size() + " candidates, below the quorum " + sel.minimumQuorum() + "; collecting more");
      state = new CoordinatorState(state.round(), state.attempt(), Phase.SELECTION, now, 0, List.of(), 0, 1,
          state.global(), state.optimizer(), state.accountant(), state.clipping(), state.roundsCompleted(), "");
      return;
    }
    List<String> ids = sel.selected().stream().map(Candidate::deviceId).toList();
    CoordinatorState next = new CoordinatorState(state.round(), state.attempt(), Phase.REPORTING, state.openedMillis(),
        now + config.reportingWindow().toMillis(), ids, sel.maxInclusionProbability(), sel.minimumQuorum(),
        state.global(), state.optimizer(), state.accountant(), state.clipping(), state.roundsCompleted(), "");
    persist(next);
    selected = Set.copyOf(ids);
    candidates.clear();
    accepted.clear();
    decided.clear();
    planBytes = null;
    partial = config.aggregator().open(kernels, roundSpec());
  }

  private void finishRound() {
    long now = clock.millis();
    PartialAggregate p = partial;
    partial = null;
    long acceptedCount = p.counts().accepted();
    RoundSummary.Builder summary = RoundSummary.newBuilder().setVersion(ProtocolVersions.current())
        .setTaskId(config.taskId()).setRound(state.round()).setSelected(selected.size())
        .setReported(decided.size()).setAccepted((int) acceptedCount).setStartedUnixMillis(state.openedMillis())
        .setFinishedUnixMillis(now);
    Map<String, Long> rejected = new TreeMap<>(p.counts().rejectedByWireName());
    transportRejections.forEach((k, v) -> rejected.merge(k, v, Long::sum));
    rejected.forEach((k, v) -> summary.putRejectedByReason(k, (int) Math.min(Integer.MAX_VALUE, v)));
    Path oldDir = roundDir();
    CoordinatorState next;
    if (acceptedCount < state.quorum()) {
      p.close();
      summary.putMetrics("quorum_missed", 1);
      LOG.warning("round " + state.round() + " attempt " + state.attempt() + ": " + acceptedCount
          + " accepted updates, below the quorum " + state.quorum() + "; reopening the round");
      next = new CoordinatorState(state.round(), state.attempt() + 1, Phase.SELECTION, now, 0, List.of(), 0, 1,
          state.global(), state.optimizer(), state.accountant(), state.clipping(), state.roundsCompleted(), "");
      persist(next);
    } else {
      if (ledger != null) {
        try {
          // Step the accountant before anything derived from the round is released.
          ledger.spend(state.samplingRate(), config.noiseMultiplier(), 1);
        } catch (PrivacyBudgetExceededException e) {
          p.close();
          next = state.withPhase(Phase.DONE, "privacy budget exhausted: " + e.getMessage());
          persist(next);
          resetRound();
          return;
        }
      }
      AggregateResult r;
      try {
        r = config.aggregator().finish(p);
      } finally {
        p.close();
      }
      float[] updated = global.clone();
      config.optimizer().step(updated, r.meanDelta());
      long completed = state.roundsCompleted() + 1;
      Phase phase = completed >= config.rounds() ? Phase.DONE : Phase.SELECTION;
      next = new CoordinatorState(state.round() + 1, 0, phase, now, 0, List.of(), 0, 1, layout.toWeights(updated),
          config.optimizer().state(), ledger == null ? null : ledger.toState(), clipState(config.aggregator()),
          completed,
          phase == Phase.DONE ? "all " + completed + " rounds completed" : "");
      summary.setClipNorm(Double.isInfinite(r.clipNorm()) ? 0 : r.clipNorm())
          .setNoiseMultiplier(r.release().noiseMultiplier());
      if (ledger != null) {
        summary.setEpsilon(ledger.spentEpsilon()).setDelta(ledger.budget().delta());
      }
      persist(next);
      global = updated;
    }
    RoundSummary s = summary.build();
    summaries.add(s);
    appendSummary(s);
    resetRound();
    deleteQuietly(oldDir);
  }

  private void resetRound() {
    selected = Set.of();
    accepted.clear();
    decided.clear();
    transportRejections.clear();
    candidates.clear();
    planBytes = null;
  }

  private void persist(CoordinatorState next) {
    try {
      next.write(dir);
    } catch (IOException e) {
      failed = true;
      throw new UncheckedIOException("could not write the coordinator checkpoint; the coordinator stops (restart"
          + " it to resume from the last checkpoint)", e);
    }
    state = next;
  }

  private RoundSpec roundSpec() {
    return new RoundSpec(config.taskId(), state.round(), config.modelChecksum(), layout, config.maxUpdateNorm(),
        1_000_000_000L);
  }

  private byte[] plan() {
    if (planBytes == null) {
      TaskPlan p = TaskPlan.newBuilder().setVersion(ProtocolVersions.current()).setTaskId(config.taskId())
          .setRound(state.round()).setModelId(config.modelId()).setModelChecksum(config.modelChecksum())
          .setGlobalWeights(state.global()).setLocal(config.local()).setClipNorm(planClipNorm())
          .setDpMode(config.dpMode()).setLocalNoiseMultiplier(config.localNoiseMultiplier())
          .setQuantizeBits(config.quantizeBits()).setDeadlineUnixMillis(state.deadlineMillis())
          .setEligibility(config.eligibility()).build();
      planBytes = p.toByteArray();
    }
    return planBytes;
  }

  /**
   * The clip norm devices are asked to clip to: under adaptive clipping the aggregator's current (adapted) C — the
   * norm the server re-clips this round's updates to — otherwise the configured one. Sending the configured C₀
   * instead would make every device clip to C₀ forever, and the adaptive estimate would then only ever see norms
   * at most C₀.
   */
  private double planClipNorm() {
    if (config.aggregator() instanceof CentralDpAggregator dp && dp.isAdaptive()) {
      return dp.currentClipNorm();
    }
    return config.clipNorm();
  }

  private Path roundDir() {
    return dir.resolve("round-" + state.round() + "-" + state.attempt());
  }

  private static String fileName(String deviceId) {
    return HexFormat.of().formatHex(deviceId.getBytes(StandardCharsets.UTF_8)) + ".update";
  }

  private void deleteStaleRoundDirs() throws IOException {
    Path keep = state.phase() == Phase.REPORTING ? roundDir() : null;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "round-*")) {
      for (Path p : ds) {
        if (!p.equals(keep)) {
          deleteQuietly(p);
        }
      }
    }
  }

  private static void deleteQuietly(Path d) {
    if (!Files.isDirectory(d)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
      for (Path f : ds) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(d);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not delete " + d, e);
    }
  }

  private void appendSummary(RoundSummary s) {
    try (OutputStream out = Files.newOutputStream(dir.resolve(SUMMARIES), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND)) {
      s.writeDelimitedTo(out);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not append the round summary (the checkpoint is written)", e);
    }
  }

  private List<RoundSummary> readSummaries() {
    List<RoundSummary> out = new ArrayList<>();
    Path f = dir.resolve(SUMMARIES);
    if (!Files.exists(f)) {
      return out;
    }
    try (InputStream in = Files.newInputStream(f)) {
      RoundSummary s;
      while ((s = RoundSummary.parseDelimitedFrom(in)) != null) {
        out.add(s);
      }
    } catch (IOException e) {
      // A torn last summary (crash while appending) is dropped; summaries are informational.
      LOG.log(Level.WARNING, "dropping an incomplete round summary", e);
    }
    return out;
  }

  private void ensureUsable() {
    if (failed) {
      throw new IllegalStateException("the coordinator stopped after a disk error; restart it to resume");
    }
    if (closed) {
      throw new IllegalStateException("the coordinator is closed");
    }
  }

  /**
   * Where the task stands.
   *
   * @param round the open round
   * @param attempt attempts of this round so far (reopened after a missed quorum)
   * @param phase "SELECTION", "REPORTING" or "DONE"
   * @param candidates devices checked in and waiting for selection
   * @param selected devices selected for the open round
   * @param accepted accepted updates of the open round
   * @param roundsCompleted released rounds
   * @param epsilon privacy spent (0 without accounting)
   * @param note why the task stopped, when it did
   */
  public record Status(long round, int attempt, String phase, int candidates, int selected, int accepted,
      long roundsCompleted, double epsilon, String note) {}

  /** The current status. */
  public Status status() {
    synchronized (lock) {
      return new Status(state.round(), state.attempt(), state.phase().name(), candidates.size(), selected.size(),
          accepted.size(), state.roundsCompleted(), ledger == null ? 0 : ledger.spentEpsilon(), state.note());
    }
  }

  /** The current global weights (those of the open round). */
  public Weights globalWeights() {
    synchronized (lock) {
      return state.global();
    }
  }

  /** Device ids selected for the open round (empty outside REPORTING). */
  public Set<String> selectedDevices() {
    synchronized (lock) {
      return Set.copyOf(selected);
    }
  }

  /** Summaries of the finished (released or failed) round attempts, oldest first. */
  public List<RoundSummary> summaries() {
    synchronized (lock) {
      return List.copyOf(summaries);
    }
  }

  /** The accountant's state (null without accounting). */
  public io.trustfl.proto.AccountantState accountantState() {
    synchronized (lock) {
      return ledger == null ? null : ledger.toState();
    }
  }

  /** The largest upload body accepted, in bytes. */
  public int maxUploadBytes() {
    return config.maxUploadBytes();
  }

  /**
   * Stops accepting work and releases the open round's kernel aggregator; idempotent. Nothing needs flushing: all
   * acknowledged state is already on disk.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (partial != null) {
        partial.close();
        partial = null;
      }
    }
  }
}
