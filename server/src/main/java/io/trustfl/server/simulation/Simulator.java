package io.trustfl.server.simulation;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.trustfl.client.ClientOutcome;
import io.trustfl.fairness.ProbeAggregation;
import io.trustfl.fairness.ProbeMetrics;
import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.EpsilonSpend;
import io.trustfl.privacy.NoiseCalibration;
import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.privacy.RdpOrders;
import io.trustfl.proto.DpMode;
import io.trustfl.proto.LocalTraining;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.TaskPlan;
import io.trustfl.proto.Weights;
import io.trustfl.server.aggregation.AdaptiveClipping;
import io.trustfl.server.aggregation.AggregateResult;
import io.trustfl.server.aggregation.Aggregator;
import io.trustfl.server.aggregation.CentralDpAggregator;
import io.trustfl.server.aggregation.FedAvgAggregator;
import io.trustfl.server.aggregation.ModelLayout;
import io.trustfl.server.aggregation.PartialAggregate;
import io.trustfl.server.aggregation.RoundSpec;
import io.trustfl.server.aggregation.ServerOptimizer;
import io.trustfl.server.aggregation.UpdateVerdict;
import io.trustfl.server.selection.ActivityProportionalSelection;
import io.trustfl.server.selection.Candidate;
import io.trustfl.server.selection.OverSelection;
import io.trustfl.server.selection.SamplingScheme;
import io.trustfl.server.selection.Selection;
import io.trustfl.server.selection.SelectionStrategy;
import io.trustfl.server.selection.UniformSelection;
import io.trustfl.train.Evaluation;
import io.trustfl.train.Params;
import io.trustfl.train.WeightsFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Runs a federated simulation: a fleet of {@link io.trustfl.client.FederatedClient}s over on-disk example stores
 * and the server's selection, aggregation, optimizer and privacy accounting, round after round (DESIGN.md, "One
 * federated round"). Per round: continual arrivals; check-in (each device's activity); selection (over-selecting
 * when dropout is simulated); a {@link TaskPlan} with the global weights; local training on each selected device;
 * server validation, re-clipping and aggregation; under central DP the accountant step with q = the selection's
 * largest inclusion probability, spent before the release; the server optimizer step; evaluation on the test split
 * every {@link SimulationConfig#evalEvery()} rounds; a metrics line and an atomic checkpoint. Rerunning into the same
 * output directory resumes from the checkpoint.
 *
 * <p>Selection draws a fixed number of devices without DP and Poisson-samples them under central DP (the scheme the
 * accountant analyses). A round whose accepted updates miss the quorum releases nothing and spends no budget.
 */
public final class Simulator {
  /** File names in the output directory. */
  public static final String METRICS = "metrics.jsonl";
  /** The checkpoint file. */
  public static final String CHECKPOINT = "checkpoint.bin";
  /** The final global weights (Weights protobuf). */
  public static final String WEIGHTS = "global-weights.pb";
  /** The marker file of an audited run ({@link #runAudit}), which writes no {@link #WEIGHTS}. */
  public static final String AUDIT_MARKER = "AUDIT-RUN.txt";

  private static final Gson GSON = new GsonBuilder().create();
  private static final double MAX_UPDATE_NORM = 1e6;

  private Simulator() {}

  /** Receives progress; called on the simulating thread. */
  public interface Listener {
    /** A line of information (data loaded, resuming, budget reached, …). */
    default void info(String message) {}

    /** A round finished. */
    default void round(RoundMetrics metrics, int totalRounds) {}
  }

  /**
   * The outcome of a run.
   *
   * @param metrics every round's metrics, resumed ones included
   * @param resumedFrom the round the run resumed at (0 for a fresh run)
   * @param stoppedEarly whether the privacy budget ended the run before the last round
   * @param finalAccuracy test accuracy of the final global model
   * @param initialAccuracy test accuracy of the initial model
   * @param epsilon ε spent (0 without DP)
   * @param finalWeights the final global model
   * @param selectionCounts rounds each device was selected in
   * @param featurizeSeconds time to load features (MiniLM encoding on a cold cache)
   * @param embeddingsEncoded sentences encoded (cache misses)
   * @param seconds wall time of this invocation
   */
  public record Result(List<RoundMetrics> metrics, int resumedFrom, boolean stoppedEarly, double finalAccuracy,
      double initialAccuracy, double epsilon, Weights finalWeights, int[] selectionCounts, double featurizeSeconds,
      long embeddingsEncoded, double seconds) {}

  /**
   * Runs (or resumes) the simulation, writing metrics, checkpoint, weights and the report into {@code out}.
   *
   * @throws IllegalArgumentException for options the data or the output directory contradict
   * @throws IOException if the output cannot be written
   */
  public static Result run(SimulationConfig config, Path out, Listener listener) throws IOException {
    return run(config, out, listener, null);
  }

  /**
   * Runs a fresh simulation with audit clients added by {@code hook} (privacy audits only, e.g. one-run auditing
   * with canary clients). The audit clients check in beside the fleet's devices every round and go through the same
   * selection, validation, clipping, aggregation, noise and accounting; the hook sees each released aggregate and
   * the final model. The model of such a run is poisoned by the canaries on purpose: no {@link #WEIGHTS} file is
   * written (only {@link Result#finalWeights()} and the {@link #AUDIT_MARKER} file), and the checkpoint's
   * fingerprint names the audit, so {@code trustfl simulate} refuses to resume it.
   *
   * @throws IllegalArgumentException for the network transport (the HTTP coordinator is the deployment path and has
   *     no audit clients), an output directory that already holds a checkpoint (audited runs do not resume: the
   *     canaries' secret bits live in the hook), or audit client ids without {@link AuditHook#CANARY_PREFIX}
   */
  public static Result runAudit(SimulationConfig config, Path out, Listener listener, AuditHook hook)
      throws IOException {
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(out, "out");
    if (config.transport() != SimulationConfig.Transport.IN_PROCESS) {
      throw new IllegalArgumentException("audit clients run with the in-process transport only, got transport "
          + config.transport().name().toLowerCase(Locale.ROOT) + "; the HTTP coordinator is the deployment path and"
          + " never takes audit clients");
    }
    if (Files.exists(out.resolve(CHECKPOINT))) {
      throw new IllegalArgumentException("output directory " + out + " holds a checkpoint; an audited run does not"
          + " resume (its canaries' secret inclusion bits are not stored): use an empty --out");
    }
    return run(config, out, listener, hook);
  }

  private static Result run(SimulationConfig config, Path out, Listener listener, AuditHook hook)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(listener, "listener");
    long t0 = System.nanoTime();
    Files.createDirectories(out);
    Path cpFile = out.resolve(CHECKPOINT);
    String fingerprint = hook == null ? config.fingerprint() : config.fingerprint() + "|audit:" + hook.description();
    Optional<Checkpoint> resume = Checkpoint.read(cpFile);
    if (resume.isPresent() && !resume.get().fingerprint().equals(fingerprint)) {
      throw new IllegalArgumentException("output directory " + out + " holds a checkpoint of a different run ("
          + resume.get().fingerprint() + "); use another --out or delete " + cpFile);
    }
    int start = resume.map(Checkpoint::nextRound).orElse(0);
    int resumedFrom = start;
    List<RoundMetrics> history = readMetrics(out.resolve(METRICS), start);

    try (FleetData data = FleetData.load(config); Kernels kernels = KernelRegistry.open()) {
      listener.info(String.format(Locale.ROOT, "data %s: %d training examples, %d %s, %d classes; features in"
          + " %.1f s (%d encoded, %d from the embedding cache%s)", config.data(), data.train.size(),
          data.test.size(), config.evalSplit().name().toLowerCase(Locale.ROOT), data.classes.size(),
          data.featurizeSeconds, data.embeddingsEncoded,
          data.embeddingsCached, data.embeddingCacheFile == null ? "" : " " + data.embeddingCacheFile));
      ModelLayout layout = ModelLayout.of(data.bundle.getInitialWeights());
      float[] initial = layout.flatten(data.bundle.getInitialWeights());
      float[] global = resume.map(cp -> layout.flatten(cp.global())).orElse(initial.clone());
      boolean central = config.dp() == SimulationConfig.DpKind.CENTRAL;
      boolean adaptive = central && config.adaptiveClipping();
      SelectionStrategy strategy = strategy(config);
      int k = config.clientsPerRound();
      double expected = strategy instanceof OverSelection o ? o.inflatedTarget(k) : k;
      ServerOptimizer optimizer = serverOptimizer(config);
      resume.ifPresent(cp -> optimizer.restore(cp.optimizer()));
      int[] selectionCounts = resume.map(Checkpoint::selectionCounts).orElse(new int[config.clients()]);

      if (hook != null) {
        hook.fleetData(data.bundle, data.train, data.classes);
      }
      try (Fleet fleet = Fleet.create(config, data, kernels, data.clientModel(), adaptive, start, hook)) {
        if (fleet.devices().size() != selectionCounts.length) {
          throw new IllegalStateException("checkpoint has " + selectionCounts.length + " devices, the fleet "
              + fleet.devices().size());
        }
        PrivacyLedger ledger = null;
        double sigma = 0;
        CentralDpAggregator dpAggregator = null;
        if (central) {
          PrivacyBudget budget = new PrivacyBudget(config.epsilon(), config.delta());
          if (resume.isPresent() && resume.get().accountant() != null) {
            ledger = PrivacyLedger.fromState(resume.get().accountant());
            sigma = resume.get().noiseMultiplier();
          } else {
            ledger = new PrivacyLedger(new RdpAccountant(RdpOrders.OPACUS), budget);
            double q0 = strategy.maxInclusionProbability(withAudit(fleet, hook, 0), k);
            sigma = NoiseCalibration.noiseMultiplier(RdpOrders.OPACUS, q0, config.rounds(), budget, 1e-4);
          }
          CentralDpAggregator.Builder b = CentralDpAggregator.builder().noiseMultiplier(sigma)
              .expectedClientsPerRound(expected);
          if (adaptive) {
            AdaptiveClipping ac = AdaptiveClipping.of(config.clipInit(), AdaptiveClipping.DEFAULT_TARGET_QUANTILE,
                AdaptiveClipping.DEFAULT_LEARNING_RATE, AdaptiveClipping.withDefaults(expected).countNoiseStddev());
            dpAggregator = b.adaptiveClipping(resume.map(cp -> ac.resume(cp.clipNorm())).orElse(ac)).build();
          } else {
            dpAggregator = b.fixedClipNorm(config.clipNorm()).build();
          }
          listener.info(String.format(Locale.ROOT, "central DP: noise multiplier %.4f (update share %.4f), %s"
              + " clipping, expected %.0f clients per round, target epsilon %.3g at delta %.1e (RDP)", sigma,
              dpAggregator.updateNoiseMultiplier(), adaptive ? "adaptive" : "fixed", expected, config.epsilon(),
              config.delta()));
        }
        Aggregator aggregator = central ? dpAggregator
            : FedAvgAggregator.exampleWeighted(config.clipNorm());
        double initialAccuracy = evaluate(data, layout, initial).accuracy();
        if (start > 0) {
          listener.info("resuming at round " + start + " of " + config.rounds() + " from " + cpFile);
        }
        boolean stopped = resume.map(Checkpoint::stopped).orElse(false);
        String taskId = "simulate-" + Long.toHexString(Seeds.mix(config.seed(), 99, 0));
        Evaluation last = null;
        Map<String, Integer> index = new HashMap<>();
        for (Fleet.Device d : fleet.devices()) {
          index.put(d.id, d.index);
        }
        if (hook != null) {
          listener.info("AUDIT RUN: " + hook.description() + "; the final model is not for use");
          WeightsFile.writeBytes(out.resolve(AUDIT_MARKER), ("audited simulation: " + hook.description()
              + "\nThe global model of this run contains audit canaries on purpose; it is not written as "
              + WEIGHTS + ".\n").getBytes(StandardCharsets.UTF_8));
        }
        double epsilon = central ? ledger.spentEpsilon() : 0;
        if (config.transport() == SimulationConfig.Transport.NETWORK) {
          NetworkRounds.Outcome o = NetworkRounds.run(new NetworkRounds.Context(config, out, listener, data, layout,
              initial, fleet, kernels, aggregator, dpAggregator, optimizer, ledger, sigma, strategy, taskId,
              selectionCounts, history, start));
          System.arraycopy(o.global(), 0, global, 0, global.length);
          epsilon = o.epsilon();
          last = o.last();
          start = config.rounds(); // the loop below has nothing left to do
        }
        for (int round = start; round < config.rounds() && !stopped; round++) {
          long r0 = System.nanoTime();
          long arrivals = fleet.deliverArrivals(config.seed(), round);
          List<Candidate> candidates = withAudit(fleet, hook, round);
          long stored = candidates.stream().mapToLong(Candidate::activity).sum();
          Selection sel = strategy.select(candidates, k, Seeds.random(config.seed(), Seeds.SELECTION, round));
          double q = sel.maxInclusionProbability();
          if (central) {
            EpsilonSpend preview = ledger.preview(q, sigma, 1);
            if (!preview.withinBudget()) {
              listener.info(String.format(Locale.ROOT, "privacy budget reached: round %d (q = %.4f) would spend"
                  + " epsilon %.4f > %.4f; stopping with epsilon %.4f", round, q, preview.epsilonAfter(),
                  config.epsilon(), ledger.spentEpsilon()));
              stopped = true;
              break;
            }
          }
          double clip = central ? dpAggregator.currentClipNorm() : config.clipNorm();
          TaskPlan plan = plan(config, data, layout, global, taskId, round, clip);
          RoundSpec spec = new RoundSpec(taskId, round, data.bundle.getChecksum(), layout, MAX_UPDATE_NORM,
              1_000_000_000L);
          SplittableRandom dropRng = Seeds.random(config.seed(), Seeds.DROPOUT, round);
          Map<String, Long> refused = new TreeMap<>();
          List<Double> norms = new ArrayList<>();
          List<Map<String, Double>> probeMetrics = new ArrayList<>();
          double lossSum = 0;
          int lossCount = 0;
          int dropped = 0;
          AggregateResult result = null;
          long acceptedCount;
          long clippedCount;
          Map<String, Long> rejected;
          try (PartialAggregate partial = aggregator.open(kernels, spec)) {
            for (Candidate c : sel.selected()) {
              Integer di = index.get(c.deviceId());
              Fleet.Device d = di == null ? null : fleet.devices().get(di); // null: an audit client
              if (d != null) {
                selectionCounts[d.index]++;
              }
              if (config.dropout() > 0 && dropRng.nextDouble() < config.dropout()) {
                dropped++;
                continue;
              }
              ClientOutcome outcome = d != null ? d.client.run(plan) : hook.participate(c.deviceId(), plan);
              if (outcome instanceof ClientOutcome.Trained t) {
                UpdateVerdict v = partial.offer(t.update());
                if (v.accepted()) {
                  norms.add(v.norm());
                  probeMetrics.add(t.update().getMetricsMap());
                }
                Double loss = t.update().getMetricsMap().get("train_loss");
                if (loss != null) {
                  lossSum += loss;
                  lossCount++;
                }
              } else if (outcome instanceof ClientOutcome.Refused r) {
                refused.merge(r.reason().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
              }
            }
            acceptedCount = partial.counts().accepted();
            clippedCount = partial.counts().clipped();
            rejected = new TreeMap<>(partial.counts().rejectedByWireName());
            if (sel.quorumMet((int) acceptedCount)) {
              if (central) {
                ledger.spend(q, sigma, 1); // spent before the release
              }
              result = aggregator.finish(partial);
            }
          }
          if (result != null) {
            if (hook != null) {
              hook.released(round, result.meanDelta());
            }
            optimizer.step(global, result.meanDelta());
          }
          boolean evalRound = (round + 1) % config.evalEvery() == 0 || round == config.rounds() - 1;
          Evaluation ev = evalRound ? evaluate(data, layout, global) : null;
          if (ev != null) {
            last = ev;
          }
          double[] ns = norms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
          RoundMetrics m = new RoundMetrics(round, ev == null ? null : ev.accuracy(),
              ev == null ? null : ev.meanLoss(), lossCount == 0 ? null : lossSum / lossCount,
              central ? ledger.spentEpsilon() : 0, central ? config.delta() : 0, q,
              Double.isInfinite(clip) ? null : clip, sigma, candidates.size(), sel.selected().size(), dropped,
              refused, acceptedCount, clippedCount, rejected, result != null, quantile(ns, 0.1), quantile(ns, 0.5),
              quantile(ns, 0.9), ns.length == 0 ? null : ns[ns.length - 1], arrivals, stored,
              (System.nanoTime() - r0) / 1e9, config.probes().isEmpty() ? null : probeAggregates(probeMetrics));
          history.add(m);
          appendMetrics(out.resolve(METRICS), m);
          epsilon = central ? ledger.spentEpsilon() : 0;
          new Checkpoint(fingerprint, round + 1, layout.toWeights(global), optimizer.state(),
              ledger == null ? null : ledger.toState(), central ? dpAggregator.currentClipNorm() : config.clipNorm(),
              sigma, selectionCounts, false).write(cpFile);
          listener.round(m, config.rounds());
        }
        if (stopped) {
          int next = history.isEmpty() ? 0 : history.get(history.size() - 1).round() + 1;
          new Checkpoint(fingerprint, next, layout.toWeights(global), optimizer.state(),
              ledger == null ? null : ledger.toState(), central ? dpAggregator.currentClipNorm() : config.clipNorm(),
              sigma, selectionCounts, true).write(cpFile);
        }
        if (last == null || stopped) {
          last = evaluate(data, layout, global);
        }
        Weights finalWeights = layout.toWeights(global);
        if (hook == null) {
          WeightsFile.write(out.resolve(WEIGHTS), finalWeights);
        } else {
          hook.finished(initial.clone(), global.clone());
        }
        Result res = new Result(List.copyOf(history), resumedFrom, stopped, last.accuracy(), initialAccuracy,
            epsilon, finalWeights, selectionCounts.clone(), data.featurizeSeconds,
            data.embeddingsEncoded, (System.nanoTime() - t0) / 1e9);
        SimulationReport.write(out, config, res);
        return res;
      }
    }
  }

  /**
   * The fleet's candidates followed by the audit clients of {@code round} (none without a hook), whose ids must
   * carry {@link AuditHook#CANARY_PREFIX} and not repeat.
   */
  private static List<Candidate> withAudit(Fleet fleet, AuditHook hook, int round) {
    List<Candidate> fleetCandidates = fleet.candidates();
    if (hook == null) {
      return fleetCandidates;
    }
    List<Candidate> extra = hook.candidates(round);
    List<Candidate> all = new ArrayList<>(fleetCandidates.size() + extra.size());
    all.addAll(fleetCandidates);
    Set<String> ids = new HashSet<>();
    for (Candidate c : fleetCandidates) {
      ids.add(c.deviceId());
    }
    for (Candidate c : extra) {
      if (!c.deviceId().startsWith(AuditHook.CANARY_PREFIX) || !ids.add(c.deviceId())) {
        throw new IllegalArgumentException("audit client id '" + c.deviceId() + "' must start with '"
            + AuditHook.CANARY_PREFIX + "' and be unique among the round's candidates");
      }
      all.add(c);
    }
    return all;
  }

  private static SelectionStrategy strategy(SimulationConfig c) {
    SamplingScheme scheme = c.dp() == SimulationConfig.DpKind.CENTRAL ? SamplingScheme.POISSON
        : SamplingScheme.FIXED_SIZE;
    SelectionStrategy s = c.selection() == SimulationConfig.SelectionKind.UNIFORM ? new UniformSelection(scheme)
        : new ActivityProportionalSelection(scheme);
    if (c.dropout() > 0) {
      s = new OverSelection(s, c.dropout(), Math.max(1, c.clientsPerRound() / 2));
    }
    return s;
  }

  private static ServerOptimizer serverOptimizer(SimulationConfig c) {
    if (c.cosineServerLearningRate()) {
      return new CosineServerLearningRate(eta -> serverOptimizer(c, eta), c.serverLearningRate(), c.rounds());
    }
    return serverOptimizer(c, c.serverLearningRate());
  }

  private static ServerOptimizer serverOptimizer(SimulationConfig c, double eta) {
    return switch (c.serverOptimizer()) {
      case "fedadam" -> ServerOptimizer.fedAdam(eta, 0.9, 0.99, 1e-3);
      case "fedyogi" -> ServerOptimizer.fedYogi(eta, 0.9, 0.99, 1e-3);
      case "fedadagrad" -> ServerOptimizer.fedAdagrad(eta, 0.0, 1e-3);
      default -> ServerOptimizer.fedAvg(eta);
    };
  }

  private static TaskPlan plan(SimulationConfig c, FleetData data, ModelLayout layout, float[] global,
      String taskId, int round, double clip) {
    boolean central = c.dp() == SimulationConfig.DpKind.CENTRAL;
    return TaskPlan.newBuilder().setVersion(ProtocolVersions.current()).setTaskId(taskId).setRound(round)
        .setModelId(data.bundle.getModelId()).setModelChecksum(data.bundle.getChecksum())
        .setGlobalWeights(layout.toWeights(global))
        .setLocal(LocalTraining.newBuilder().setEpochs(c.localEpochs()).setBatchSize(c.localBatchSize())
            .setLearningRate(c.localLearningRate()).setOptimizer(c.localOptimizer()).setMomentum(0)
            .setFedproxMu(c.fedproxMu()))
        .setClipNorm(Double.isInfinite(clip) ? 0 : clip).addAllProbes(c.probes())
        .setDpMode(central ? DpMode.DP_CENTRAL : DpMode.DP_NONE).build();
  }

  /**
   * The round's probe aggregates over the accepted updates' metrics: {@link ProbeAggregation} plus the summed
   * {@code fairness.unknown_probes}.
   */
  static Map<String, Double> probeAggregates(List<Map<String, Double>> updates) {
    Map<String, Double> out = new TreeMap<>(ProbeAggregation.aggregate(updates));
    String unknown = ProbeMetrics.PREFIX + "unknown_probes";
    for (Map<String, Double> u : updates) {
      Double n = u.get(unknown);
      if (n != null) {
        out.merge(unknown, n, Double::sum);
      }
    }
    return out;
  }

  private static Evaluation evaluate(FleetData data, ModelLayout layout, float[] global) {
    return Evaluation.of(data.stepModel, Params.fromWeights(layout.toWeights(global)), data.test);
  }

  /** Linear-interpolation quantile of sorted values (numpy's default), null when empty. */
  static Double quantile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return null;
    }
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Reads the metrics of rounds before {@code start} and rewrites the file without any later line. */
  private static List<RoundMetrics> readMetrics(Path file, int start) throws IOException {
    List<RoundMetrics> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    StringBuilder kept = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      RoundMetrics m;
      try {
        m = GSON.fromJson(line, RoundMetrics.class);
      } catch (RuntimeException e) {
        break; // a torn last line from an interrupted write
      }
      if (m.round() < start) {
        out.add(m);
        kept.append(line).append('\n');
      }
    }
    WeightsFile.writeBytes(file, kept.toString().getBytes(StandardCharsets.UTF_8));
    return out;
  }

  static void appendMetrics(Path file, RoundMetrics m) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND)) {
      w.write(GSON.toJson(m));
      w.write('\n');
    }
  }
}
