package io.trustfl.server.simulation;

import io.trustfl.client.ClientOutcome;
import io.trustfl.client.HttpTransport;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.proto.DpMode;
import io.trustfl.proto.LocalTraining;
import io.trustfl.proto.RoundSummary;
import io.trustfl.proto.TaskPlan;
import io.trustfl.server.aggregation.Aggregator;
import io.trustfl.server.aggregation.CentralDpAggregator;
import io.trustfl.server.aggregation.ModelLayout;
import io.trustfl.server.aggregation.ServerOptimizer;
import io.trustfl.server.coordinator.Coordinator;
import io.trustfl.server.coordinator.CoordinatorConfig;
import io.trustfl.server.coordinator.CoordinatorServer;
import io.trustfl.server.selection.SelectionStrategy;
import io.trustfl.train.Evaluation;
import io.trustfl.train.Params;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --transport network}: the same rounds through the real HTTP {@link CoordinatorServer} on loopback. Every
 * device checks in over HTTP (its {@code CheckIn} from {@link io.trustfl.client.FederatedClient#checkIn()}), the
 * coordinator selects, the selected devices download the plan, train and upload over HTTP, and the coordinator
 * validates, aggregates, steps the accountant and persists its state in {@code out/coordinator}. The coordinator
 * runs on a simulated clock so that dropped devices make the round close at its deadline without waiting.
 *
 * <p>Differences from the in-process transport: the coordinator draws its selection from {@code SecureRandom}, so a
 * network run is not reproducible from the seed; update-norm quantiles are the devices' reported pre-clip norms.
 */
final class NetworkRounds {
  private NetworkRounds() {}

  /** What the simulator hands over. */
  record Context(SimulationConfig config, Path out, Simulator.Listener listener, FleetData data, ModelLayout layout,
      float[] initial, Fleet fleet, Kernels kernels, Aggregator aggregator, CentralDpAggregator dpAggregator,
      ServerOptimizer optimizer, PrivacyLedger ledger, double sigma, SelectionStrategy strategy, String taskId,
      int[] selectionCounts, List<RoundMetrics> history, int start) {}

  /** The final state. */
  record Outcome(float[] global, double epsilon, Evaluation last) {}

  static Outcome run(Context x) throws IOException {
    SimulationConfig c = x.config();
    boolean central = c.dp() == SimulationConfig.DpKind.CENTRAL;
    double clip = central ? x.dpAggregator().currentClipNorm() : c.clipNorm();
    AtomicLong now = new AtomicLong(System.currentTimeMillis());
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now.get());
      }
    };
    CoordinatorConfig.Builder b = CoordinatorConfig.builder().taskId(x.taskId())
        .model(x.data().bundle.getModelId(), x.data().bundle.getChecksum())
        .initialWeights(x.layout().toWeights(x.initial()))
        .local(LocalTraining.newBuilder().setEpochs(c.localEpochs()).setBatchSize(c.localBatchSize())
            .setLearningRate(c.localLearningRate()).setOptimizer(c.localOptimizer())
            .setFedproxMu(c.fedproxMu()).build())
        .clipNorm(Double.isInfinite(clip) ? 0 : clip)
        .dp(central ? DpMode.DP_CENTRAL : DpMode.DP_NONE, 0)
        .selection(c.clientsPerRound(), x.strategy())
        .selectionTrigger(c.clients(), Duration.ofHours(1))
        .reportingWindow(Duration.ofMinutes(10))
        .maxUploadBytes(64 << 20)
        .rounds(c.rounds()).aggregator(x.aggregator()).optimizer(x.optimizer())
        .stateDirectory(x.out().resolve("coordinator"));
    if (central) {
      b.accounting(x.ledger(), x.sigma());
    }
    try (Coordinator coordinator = Coordinator.open(b.build(), x.kernels(), clock);
        CoordinatorServer server = CoordinatorServer.start(coordinator,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, Duration.ofSeconds(3600))) {
      HttpTransport http = new HttpTransport(server.uri(), Duration.ofSeconds(60), 64 << 20);
      int round = (int) coordinator.status().round();
      for (int r = x.start(); r < round; r++) {
        x.fleet().deliverArrivals(c.seed(), r); // the coordinator finished rounds our checkpoint had not recorded
      }
      ModelLayout layout = x.layout();
      Evaluation last = null;
      Map<String, Fleet.Device> byId = new TreeMap<>();
      x.fleet().devices().forEach(d -> byId.put(d.id, d));
      while (!"DONE".equals(coordinator.status().phase()) && round < c.rounds()) {
        long r0 = System.nanoTime();
        long arrivals = x.fleet().deliverArrivals(c.seed(), round);
        long stored = 0;
        int candidates = 0;
        for (Fleet.Device d : x.fleet().devices()) {
          stored += d.store.size();
          http.checkIn(d.client.checkIn());
          candidates++;
        }
        coordinator.tick();
        TreeSet<String> selected = new TreeSet<>(coordinator.selectedDevices());
        SplittableRandom dropRng = Seeds.random(c.seed(), Seeds.DROPOUT, round);
        Map<String, Long> refused = new TreeMap<>();
        List<Double> norms = new ArrayList<>();
        double lossSum = 0;
        int lossCount = 0;
        int dropped = 0;
        for (String id : selected) {
          Fleet.Device d = byId.get(id);
          x.selectionCounts()[d.index]++;
          if (c.dropout() > 0 && dropRng.nextDouble() < c.dropout()) {
            dropped++;
            continue;
          }
          Optional<TaskPlan> plan = http.downloadPlan(id);
          if (plan.isEmpty()) {
            refused.merge("no_plan", 1L, Long::sum);
            continue;
          }
          ClientOutcome o = d.client.run(plan.get());
          if (o instanceof ClientOutcome.Trained t) {
            HttpTransport.UploadResult u = http.upload(t.update());
            if (u.accepted()) {
              norms.add(t.update().getDeltaNormBeforeClip());
            }
            Double loss = t.update().getMetricsMap().get("train_loss");
            if (loss != null) {
              lossSum += loss;
              lossCount++;
            }
          } else if (o instanceof ClientOutcome.Refused rf) {
            refused.merge(rf.reason().name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
          }
        }
        if (coordinator.status().round() == round && "REPORTING".equals(coordinator.status().phase())) {
          now.addAndGet(Duration.ofMinutes(11).toMillis()); // past the deadline: dropped devices never report
          coordinator.tick();
        }
        List<RoundSummary> sums = coordinator.summaries();
        RoundSummary s = sums.get(sums.size() - 1);
        float[] global = layout.flatten(coordinator.globalWeights());
        boolean evalRound = (round + 1) % c.evalEvery() == 0 || round == c.rounds() - 1;
        Evaluation ev = evalRound ? Evaluation.of(x.data().stepModel, Params.fromWeights(layout.toWeights(global)),
            x.data().test) : null;
        if (ev != null) {
          last = ev;
        }
        double[] ns = norms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Long> rejected = new TreeMap<>();
        s.getRejectedByReasonMap().forEach((k, v) -> rejected.put(k, (long) v));
        boolean released = !s.getMetricsMap().containsKey("quorum_missed");
        RoundMetrics m = new RoundMetrics(round, ev == null ? null : ev.accuracy(), ev == null ? null : ev.meanLoss(),
            lossCount == 0 ? null : lossSum / lossCount, s.getEpsilon(), s.getDelta(),
            x.strategy().maxInclusionProbability(x.fleet().candidates(), c.clientsPerRound()),
            s.getClipNorm() > 0 ? s.getClipNorm() : null, s.getNoiseMultiplier(), candidates, selected.size(),
            dropped, refused, s.getAccepted(), 0, rejected, released, Simulator.quantile(ns, 0.1),
            Simulator.quantile(ns, 0.5), Simulator.quantile(ns, 0.9), ns.length == 0 ? null : ns[ns.length - 1],
            arrivals, stored, (System.nanoTime() - r0) / 1e9, null);
        x.history().add(m);
        Simulator.appendMetrics(x.out().resolve(Simulator.METRICS), m);
        round = (int) coordinator.status().round();
        if ("DONE".equals(coordinator.status().phase())) {
          round = c.rounds();
        }
        new Checkpoint(c.fingerprint(), round, coordinator.globalWeights(), x.optimizer().state(),
            coordinator.accountantState(), central ? x.dpAggregator().currentClipNorm() : c.clipNorm(), x.sigma(),
            x.selectionCounts(), false).write(x.out().resolve(Simulator.CHECKPOINT));
        x.listener().round(m, c.rounds());
      }
      float[] global = layout.flatten(coordinator.globalWeights());
      return new Outcome(global, coordinator.status().epsilon(), last);
    }
  }
}
