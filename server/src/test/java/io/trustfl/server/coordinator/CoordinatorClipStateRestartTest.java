package io.trustfl.server.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.NoiseKey;
import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.proto.RoundSummary;
import io.trustfl.proto.TaskPlan;
import io.trustfl.server.aggregation.AdaptiveClipping;
import io.trustfl.server.aggregation.CentralDpAggregator;
import io.trustfl.server.aggregation.FedAvgAggregator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adaptive clipping across a coordinator restart: the adapted clip norm is in the checkpoint and handed to a
 * freshly built aggregator (which would otherwise start again at C₀), so the restarted task releases exactly what
 * an uninterrupted one does. Noise uses a fixed test key, so both runs draw the same noise; every device is
 * selected every round (fixed-size selection of the whole fleet), so both runs sum the same updates in the same
 * order.
 */
class CoordinatorClipStateRestartTest {
  private static final NoiseKey KEY = NoiseKey.insecureFixedKeyForTesting(new byte[32]);
  private static final int FLEET = 4;
  private static final double C0 = 0.1;

  @TempDir
  Path dir;
  private final Kernels kernels = new JavaKernels();

  @AfterEach
  void close() {
    kernels.close();
  }

  /** A fresh configuration: a new aggregator at C₀ and a new ledger, as a restarted process would build them. */
  private static CoordinatorConfig config(Path state) {
    CentralDpAggregator dp = CentralDpAggregator.builder().wrapping(FedAvgAggregator.uniform(100.0))
        .noiseMultiplier(1.0).expectedClientsPerRound(FLEET).adaptiveClipping(AdaptiveClipping.of(C0, 0.5, 0.2, 1.0))
        .noiseKey(KEY).build();
    return CoordinatorLoopbackTest.config(state, FLEET, FLEET, FLEET, Duration.ofMinutes(10)).aggregator(dp)
        .accounting(new PrivacyLedger(new RdpAccountant(), new PrivacyBudget(100, 1e-5)), 1.0).rounds(10).build();
  }

  /** Device i's delta in a round: the loopback test's delta scaled by i + 1 (norms about 0.1 to 0.4). */
  private static float[] delta(int device, long round) {
    float[] d = CoordinatorLoopbackTest.delta(device + (int) round);
    for (int j = 0; j < d.length; j++) {
      d[j] *= device + 1;
    }
    return d;
  }

  /** Every device checks in; selection runs. */
  private static void select(Coordinator c) {
    for (int i = 0; i < FLEET; i++) {
      assertEquals("selection_pending", c.checkIn(CoordinatorLoopbackTest.checkIn("dev-" + i)).reason());
    }
    c.tick();
    assertEquals("REPORTING", c.status().phase());
  }

  /** Devices [from, to) download the plan and upload their deltas. */
  private static void upload(Coordinator c, int from, int to) throws InvalidProtocolBufferException {
    for (int i = from; i < to; i++) {
      String dev = "dev-" + i;
      TaskPlan plan = TaskPlan.parseFrom(c.planFor(dev).plan());
      Coordinator.UploadReply r = c.upload(CoordinatorLoopbackTest.update(plan, dev, delta(i, plan.getRound())));
      assertEquals(Coordinator.UploadStatus.ACCEPTED, r.status(), r.detail());
    }
  }

  private static void playRounds(Coordinator c, int rounds) throws InvalidProtocolBufferException {
    for (int r = 0; r < rounds; r++) {
      select(c);
      upload(c, 0, FLEET);
    }
  }

  private static double clipNormOf(CoordinatorConfig cfg) {
    return ((CentralDpAggregator) cfg.aggregator()).currentClipNorm();
  }

  @Test
  void aRestartedCoordinatorContinuesFromTheAdaptedClipNorm() throws IOException {
    // Uninterrupted: four rounds.
    CoordinatorConfig straight = config(dir.resolve("straight"));
    double adaptedAfter3;
    List<RoundSummary> expected;
    try (Coordinator c = Coordinator.open(straight, kernels, Clock.systemUTC())) {
      playRounds(c, 3);
      adaptedAfter3 = clipNormOf(straight);
      playRounds(c, 1);
      expected = c.summaries();
      assertEquals(4, c.status().roundsCompleted());
      assertNotEquals(C0, adaptedAfter3, "the clip norm must have adapted, or the test proves nothing");
      // Restart between rounds: three rounds, stop, a new coordinator with a new aggregator at C0.
      CoordinatorConfig first = config(dir.resolve("restarted"));
      try (Coordinator a = Coordinator.open(first, kernels, Clock.systemUTC())) {
        playRounds(a, 3);
        assertEquals(adaptedAfter3, clipNormOf(first));
        // Round 3 opens and two of four devices upload before the "crash".
        select(a);
        upload(a, 0, 2);
      }
      CoordinatorConfig second = config(dir.resolve("restarted"));
      assertEquals(C0, clipNormOf(second));
      try (Coordinator b = Coordinator.open(second, kernels, Clock.systemUTC())) {
        assertEquals(adaptedAfter3, clipNormOf(second), "restored from the checkpoint, not the configured C0");
        assertEquals(2, b.status().accepted(), "the two accepted updates of the open round are re-read");
        upload(b, 2, FLEET);
        assertEquals(4, b.status().roundsCompleted());
        RoundSummary want = expected.get(3);
        RoundSummary got = b.summaries().get(b.summaries().size() - 1);
        assertEquals(3, got.getRound());
        assertEquals(adaptedAfter3, got.getClipNorm());
        assertEquals(want.getClipNorm(), got.getClipNorm());
        assertEquals(want.getNoiseMultiplier(), got.getNoiseMultiplier());
        assertEquals(want.getEpsilon(), got.getEpsilon());
        assertEquals(c.globalWeights(), b.globalWeights(), "same released weights, bit for bit");
        assertEquals(c.accountantState(), b.accountantState());
        assertEquals(clipNormOf(straight), clipNormOf(second), "same clip norm for round 4");
      }
    }
  }

  /**
   * Under adaptive clipping the plan of every round carries the clip norm that round is released with (the
   * adapted C, as the round summary records it), not the configured C₀ — also after a restart. Before the fix the
   * plan always said 0.1, so devices clipped to C₀ while the server had adapted C upwards.
   */
  @Test
  void thePlanCarriesTheAdaptedClipNorm() throws IOException {
    Path state = dir.resolve("plan");
    CoordinatorConfig first = config(state);
    try (Coordinator c = Coordinator.open(first, kernels, Clock.systemUTC())) {
      for (int r = 0; r < 3; r++) {
        select(c);
        double sent = TaskPlan.parseFrom(c.planFor("dev-0").plan()).getClipNorm();
        upload(c, 0, FLEET);
        RoundSummary released = c.summaries().get(c.summaries().size() - 1);
        assertEquals(r, released.getRound());
        assertEquals(released.getClipNorm(), sent, "round " + r + ": plan clip norm = the released clip norm");
      }
      select(c);
    }
    double adapted = clipNormOf(first);
    assertNotEquals(C0, adapted, "the clip norm must have adapted, or the test proves nothing");
    CoordinatorConfig second = config(state);
    try (Coordinator b = Coordinator.open(second, kernels, Clock.systemUTC())) {
      assertEquals(adapted, TaskPlan.parseFrom(b.planFor("dev-1").plan()).getClipNorm(),
          "after a restart the open round's plan carries the restored clip norm");
    }
  }

  @Test
  void aCheckpointThatDoesNotFitTheAggregatorIsRefused() throws IOException {
    Path central = dir.resolve("central");
    try (Coordinator c = Coordinator.open(config(central), kernels, Clock.systemUTC())) {
      playRounds(c, 1);
    }
    CoordinatorConfig plain = CoordinatorLoopbackTest.config(central, FLEET, FLEET, FLEET, Duration.ofMinutes(10))
        .accounting(new PrivacyLedger(new RdpAccountant(), new PrivacyBudget(100, 1e-5)), 1.0).build();
    IOException e = assertThrows(IOException.class, () -> Coordinator.open(plain, kernels, Clock.systemUTC()));
    assertTrue(e.getMessage().contains("holds central DP clipping state"), e.getMessage());

    CoordinatorConfig fixed = CoordinatorLoopbackTest.config(central, FLEET, FLEET, FLEET, Duration.ofMinutes(10))
        .aggregator(CentralDpAggregator.builder().wrapping(FedAvgAggregator.uniform(100.0)).noiseMultiplier(1.0)
            .expectedClientsPerRound(FLEET).fixedClipNorm(0.5).noiseKey(KEY).build())
        .accounting(new PrivacyLedger(new RdpAccountant(), new PrivacyBudget(100, 1e-5)), 1.0).build();
    e = assertThrows(IOException.class, () -> Coordinator.open(fixed, kernels, Clock.systemUTC()));
    assertTrue(e.getMessage().contains("does not fit the configured aggregator"), e.getMessage());

    Path noDp = dir.resolve("no-dp");
    Coordinator.open(CoordinatorLoopbackTest.config(noDp, FLEET, FLEET, FLEET, Duration.ofMinutes(10))
        .accounting(new PrivacyLedger(new RdpAccountant(), new PrivacyBudget(100, 1e-5)), 1.0).build(), kernels,
        Clock.systemUTC()).close();
    e = assertThrows(IOException.class, () -> Coordinator.open(config(noDp), kernels, Clock.systemUTC()));
    assertTrue(e.getMessage().contains("no clip state for the adaptive clipping aggregator"), e.getMessage());
  }
}
