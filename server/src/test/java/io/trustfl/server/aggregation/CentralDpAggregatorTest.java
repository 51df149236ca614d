package io.trustfl.server.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.NoiseKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour and math tests of central DP-FedAvg, adaptive clipping and local DP (fixed test key). */
class CentralDpAggregatorTest {
  static final NoiseKey KEY = NoiseKey.insecureFixedKeyForTesting(new byte[32]);
  private Kernels kernels;

  @BeforeEach
  void open() {
    kernels = KernelRegistry.open("java");
  }

  @AfterEach
  void close() {
    kernels.close();
  }

  @Test
  void noiseIsAddedOnceToTheSumAndDividedByTheExpectedClients() {
    // sigma = 2, C = 0.5, expected 4 clients, 3 report: mean = (sum of clipped + 2*0.5*z) / 4, z the ChaCha20
    // normals of (key, nonce = round 7) at indexes 0..D-1 (docs/NOISE.md; tested bit-exactly in sdk-java).
    CentralDpAggregator dp = CentralDpAggregator.builder().noiseMultiplier(2.0).expectedClientsPerRound(4)
        .fixedClipNorm(0.5).noiseKey(KEY).build();
    PartialAggregate p = dp.open(kernels, Updates.spec(7));
    assertEquals(0.5, p.clipNorm());
    p.offer(Updates.update(7, Updates.alongFirstAxis(2.0), 100)); // clipped to 0.5, weight 1 (not 100)
    p.offer(Updates.update(7, Updates.alongFirstAxis(0.25), 1));
    p.offer(Updates.update(7, Updates.alongFirstAxis(-0.25), 1));
    AggregateResult r = dp.finish(p);
    double[] z = new double[Updates.D];
    ChaChaGaussian.normals(KEY, 7, 0, z, 0, Updates.D);
    double[] expected = new double[Updates.D];
    expected[0] = 0.5;
    for (int i = 0; i < Updates.D; i++) {
      assertEquals((expected[i] + 1.0 * z[i]) / 4, r.meanDelta()[i], 1e-12, "coordinate " + i);
    }
    assertEquals(1.0, r.release().noiseStddev());
    assertEquals(2.0, r.release().noiseMultiplier());
    assertEquals(4.0, r.release().denominator());
    assertEquals(0.5, r.nextClipNorm(), "fixed clipping does not move");
    assertEquals(1, r.counts().clipped());
    assertEquals(2, r.counts().withinClip());
  }

  @Test
  void aRoundIsReleasedOnlyOnce() {
    CentralDpAggregator dp = CentralDpAggregator.builder().noiseMultiplier(1.0).expectedClientsPerRound(2)
        .fixedClipNorm(1).noiseKey(KEY).build();
    dp.finish(dp.open(kernels, Updates.spec(3)));
    assertThrows(IllegalStateException.class, () -> dp.open(kernels, Updates.spec(3)));
    assertThrows(IllegalStateException.class, () -> dp.open(kernels, Updates.spec(2)));
    PartialAggregate foreign = FedAvgAggregator.uniform(2.0).open(kernels, Updates.spec(4));
    assertThrows(IllegalArgumentException.class, () -> dp.finish(foreign));
  }

  @Test
  void builderExplainsInvalidConfigurations() {
    var weighted = assertThrows(IllegalArgumentException.class, () -> CentralDpAggregator.builder()
        .wrapping(FedAvgAggregator.exampleWeighted(1)).noiseMultiplier(1).expectedClientsPerRound(10)
        .fixedClipNorm(1).build());
    assertTrue(weighted.getMessage().contains("UNIFORM"), weighted.getMessage());
    var noClip = assertThrows(IllegalArgumentException.class, () -> CentralDpAggregator.builder()
        .noiseMultiplier(1).expectedClientsPerRound(10).build());
    assertTrue(noClip.getMessage().contains("clip norm"), noClip.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CentralDpAggregator.builder().noiseMultiplier(0)
        .expectedClientsPerRound(10).fixedClipNorm(1).build());
    assertThrows(IllegalArgumentException.class, () -> CentralDpAggregator.builder().noiseMultiplier(1)
        .expectedClientsPerRound(0).fixedClipNorm(1).build());
    // sigma_b = 10/20 = 0.5 is not > sigma/2 = 1.
    var sigmaB = assertThrows(IllegalArgumentException.class, () -> CentralDpAggregator.builder()
        .noiseMultiplier(2).expectedClientsPerRound(10).adaptiveClipping(AdaptiveClipping.withDefaults(10))
        .build());
    assertTrue(sigmaB.getMessage().startsWith("countNoiseStddev (sigma_b) must be > noiseMultiplier / 2 = 1.0,"
        + " got 0.5"), sigmaB.getMessage());
  }

  @Test
  void adaptiveClippingMathByHand() {
    // C = 0.1, 30 of n = 50 unclipped, no noise: b = 0.6, C' = 0.1 exp(-0.2 (0.6 - 0.5)) = 0.1 exp(-0.02).
    assertEquals(0.09801986733067553, AdaptiveClipping.nextClipNorm(0.1, 30, 50, 0.0, 0.5, 0.2), 1e-15);
    // Count noise +5 on n = 50: b = 0.7, C' = exp(-0.04).
    assertEquals(Math.exp(-0.04), AdaptiveClipping.nextClipNorm(1.0, 30, 50, 5.0, 0.5, 0.2), 1e-15);
    // sigma = 1, sigma_b = 2.5: (1 - 1/25)^(-1/2) = 1/sqrt(0.96).
    assertEquals(1.0206207261596576, AdaptiveClipping.updateNoiseMultiplier(1.0, 2.5), 1e-15);
    AdaptiveClipping d = AdaptiveClipping.withDefaults(100);
    assertEquals(0.1, d.clipNorm());
    assertEquals(0.5, d.targetQuantile());
    assertEquals(0.2, d.learningRate());
    assertEquals(5.0, d.countNoiseStddev());
    assertEquals(0.7, d.resume(0.7).clipNorm());
    assertThrows(IllegalArgumentException.class, () -> AdaptiveClipping.of(0.1, 0.5, 0.2, 0.0));
    assertThrows(IllegalArgumentException.class, () -> AdaptiveClipping.of(0.1, 1.5, 0.2, 1.0));
  }

  @Test
  void adaptiveClippingMovesTheClipNormToTheTargetQuantile() {
    // 100 clients per round with update norms uniform on (0, 2): the median is 1, the 0.8-quantile 1.6.
    // Starting from C0 = 0.1, after 80 rounds C must sit near the target quantile of the norms.
    for (double gamma : new double[] {0.5, 0.8}) {
      AdaptiveClipping clipping = AdaptiveClipping.of(0.1, gamma, 0.2, 100 / 20.0);
      CentralDpAggregator dp = CentralDpAggregator.builder().noiseMultiplier(1.0).expectedClientsPerRound(100)
          .adaptiveClipping(clipping).noiseKey(KEY).build();
      java.util.SplittableRandom rng = new java.util.SplittableRandom(42);
      double c = 0;
      double lastFractionWithin = 0;
      for (int round = 0; round < 80; round++) {
        PartialAggregate p = dp.open(kernels, Updates.spec(round));
        assertEquals(dp.currentClipNorm(), p.clipNorm());
        for (int i = 0; i < 100; i++) {
          p.offer(Updates.update(round, Updates.alongFirstAxis(rng.nextDouble(0.0, 2.0)), 1));
        }
        lastFractionWithin = p.counts().withinClip() / 100.0;
        AggregateResult r = dp.finish(p);
        assertEquals(r.nextClipNorm(), dp.currentClipNorm());
        c = r.nextClipNorm();
      }
      double target = 2 * gamma;
      assertEquals(target, c, 0.2 * target, "gamma " + gamma);
      assertEquals(gamma, lastFractionWithin, 0.15, "gamma " + gamma);
    }
  }

  @Test
  void adaptiveDpUsesTheUpdateShareOfTheNoise() {
    AdaptiveClipping clipping = AdaptiveClipping.withDefaults(50); // sigma_b = 2.5
    CentralDpAggregator dp = CentralDpAggregator.builder().noiseMultiplier(1.0).expectedClientsPerRound(50)
        .adaptiveClipping(clipping).noiseKey(KEY).build();
    assertEquals(1.0, dp.accountingNoiseMultiplier());
    io.trustfl.proto.DpEvent event = dp.dpEvent(0.02);
    assertEquals(0.02, event.getSamplingRate());
    assertEquals(1.0, event.getNoiseMultiplier(), "the accountant gets the total sigma, not the update share");
    assertEquals(1, event.getSteps());
    assertThrows(IllegalArgumentException.class, () -> dp.dpEvent(0));
    assertEquals(1.0206207261596576, dp.updateNoiseMultiplier(), 1e-15);
    AggregateResult r = dp.finish(dp.open(kernels, Updates.spec(0)));
    assertEquals(1.0206207261596576 * 0.1, r.release().noiseStddev(), 1e-15);
    // No update at all: the count is 0, plus noise index D of the same stream.
    double[] z = new double[1];
    ChaChaGaussian.normals(KEY, 0, Updates.D, z, 0, 1);
    assertEquals(AdaptiveClipping.nextClipNorm(0.1, 0, 50, 2.5 * z[0], 0.5, 0.2), r.nextClipNorm(), 1e-15);
  }

  /** Three rounds of adaptive clipping: update norms 0.05, 0.3 and 2 around C. */
  private static AggregateResult adaptiveRound(CentralDpAggregator dp, Kernels k, long round) {
    PartialAggregate p = dp.open(k, Updates.spec(round));
    p.offer(Updates.update(round, Updates.alongFirstAxis(0.05), 1));
    p.offer(Updates.update(round, Updates.alongFirstAxis(0.3), 1));
    p.offer(Updates.update(round, Updates.alongFirstAxis(-2.0), 1));
    return dp.finish(p);
  }

  private static CentralDpAggregator adaptiveDp() {
    return CentralDpAggregator.builder().noiseMultiplier(1.0).expectedClientsPerRound(3)
        .adaptiveClipping(AdaptiveClipping.of(0.1, 0.5, 0.2, 1.0)).noiseKey(KEY).build();
  }

  @Test
  void restoredAdaptiveClippingContinuesLikeAnUninterruptedRun() {
    CentralDpAggregator uninterrupted = adaptiveDp();
    for (int r = 0; r < 3; r++) {
      adaptiveRound(uninterrupted, kernels, r);
    }
    CentralDpAggregator.ClipState persisted = uninterrupted.clipState();
    assertEquals(2, persisted.lastReleasedRound());
    assertTrue(persisted.clipNorm() != AdaptiveClipping.DEFAULT_INITIAL_CLIP_NORM, "C must have moved");

    CentralDpAggregator restarted = adaptiveDp();
    assertEquals(0.1, restarted.currentClipNorm(), "a fresh aggregator starts at C0");
    restarted.restore(persisted);
    assertEquals(persisted, restarted.clipState());
    assertEquals(persisted.clipNorm(), restarted.currentClipNorm());
    // Rounds up to the persisted last release stay released.
    assertThrows(IllegalStateException.class, () -> restarted.open(kernels, Updates.spec(2)));

    AggregateResult a = adaptiveRound(uninterrupted, kernels, 3);
    AggregateResult b = adaptiveRound(restarted, kernels, 3);
    assertEquals(a.clipNorm(), b.clipNorm());
    assertEquals(a.nextClipNorm(), b.nextClipNorm());
    org.junit.jupiter.api.Assertions.assertArrayEquals(a.meanDelta(), b.meanDelta());
  }

  @Test
  void clipNormsAfterThreeRoundsByHand() {
    // Round r: clipped at C_r, withinClip = #{0.05, 0.3, 2 <= C_r}; C_{r+1} = C_r exp(-0.2 ((w + z_r)/3 - 0.5)),
    // z_r = ChaCha normal (key, nonce r, index D) times sigma_b = 1 (REFERENCES.md section 2).
    CentralDpAggregator dp = adaptiveDp();
    double c = 0.1;
    for (int r = 0; r < 3; r++) {
      double[] z = new double[1];
      ChaChaGaussian.normals(KEY, r, Updates.D, z, 0, 1);
      int within = (0.05 <= c ? 1 : 0) + (0.3 <= c ? 1 : 0) + (2.0 <= c ? 1 : 0);
      c = c * Math.exp(-0.2 * ((within + z[0]) / 3 - 0.5));
      assertEquals(c, adaptiveRound(dp, kernels, r).nextClipNorm(), 1e-15, "round " + r);
    }
    assertEquals(new CentralDpAggregator.ClipState(dp.currentClipNorm(), 2), dp.clipState());
  }

  @Test
  void restoreRefusesAFixedClipNormThatChangedAndInvalidStates() {
    CentralDpAggregator fixed = CentralDpAggregator.builder().noiseMultiplier(1.0).expectedClientsPerRound(2)
        .fixedClipNorm(0.5).noiseKey(KEY).build();
    var changed = assertThrows(IllegalArgumentException.class,
        () -> fixed.restore(new CentralDpAggregator.ClipState(0.25, 4)));
    assertTrue(changed.getMessage().contains("fixed clip norm 0.5"), changed.getMessage());
    fixed.restore(new CentralDpAggregator.ClipState(0.5, 4));
    assertThrows(IllegalStateException.class, () -> fixed.open(kernels, Updates.spec(4)));
    fixed.finish(fixed.open(kernels, Updates.spec(5)));
    assertEquals(new CentralDpAggregator.ClipState(0.5, 5), fixed.clipState());

    var nan = assertThrows(IllegalArgumentException.class, () -> new CentralDpAggregator.ClipState(Double.NaN, 0));
    assertTrue(nan.getMessage().contains("clipNorm must be finite and > 0, got NaN"), nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CentralDpAggregator.ClipState(0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new CentralDpAggregator.ClipState(Double.POSITIVE_INFINITY, 0));
    var before = assertThrows(IllegalArgumentException.class, () -> new CentralDpAggregator.ClipState(1, -2));
    assertTrue(before.getMessage().contains("lastReleasedRound must be >= -1, got -2"), before.getMessage());
    AdaptiveClipping ac = AdaptiveClipping.withDefaults(10);
    assertThrows(IllegalArgumentException.class, () -> ac.restore(-1));
    ac.restore(0.75);
    assertEquals(0.75, ac.clipNorm());
  }

  @Test
  void localDpAddsNoNoiseAndAveragesUniformly() {
    LocalDpAggregator local = new LocalDpAggregator(FedAvgAggregator.uniform(Double.POSITIVE_INFINITY));
    PartialAggregate p = local.open(kernels, Updates.spec(2));
    p.offer(Updates.update(2, Updates.filled(1f), 10));
    p.offer(Updates.update(2, Updates.filled(4f), 1));
    AggregateResult r = local.finish(p);
    for (double x : r.meanDelta()) {
      assertEquals(2.5, x, 1e-12);
    }
    assertEquals(0.0, r.release().noiseStddev());
    assertThrows(IllegalArgumentException.class,
        () -> new LocalDpAggregator(FedAvgAggregator.exampleWeighted(1)));
    assertEquals(1.0 * (1 + 0.5 * (10 + 10)), LocalDpAggregator.noisyNormBound(1.0, 0.5, 100), 1e-12);
  }
}
