package io.trustfl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Poisson sampling: edge cases, and batch-size / inclusion statistics of the secure sampler. */
class PoissonSamplerTest {

  /** A seeded, insecure uniform source: test code only. */
  static PoissonSampler seeded(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return new PoissonSampler(() -> 1.0 - r.nextDouble());
  }

  @Test
  void edgeCasesAndOrder() {
    PoissonSampler s = PoissonSampler.secure();
    assertEquals(0, s.sample(100, 0).length);
    assertEquals(0, s.sample(0, 0.5).length);
    assertArrayEquals(new int[] {0, 1, 2, 3}, s.sample(4, 1.0));
    int[] idx = s.sample(10_000, 0.3);
    for (int i = 1; i < idx.length; i++) {
      assertTrue(idx[i] > idx[i - 1], "indexes strictly increasing");
    }
    assertTrue(idx.length == 0 || (idx[0] >= 0 && idx[idx.length - 1] < 10_000));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.sample(10, 1.5));
    assertEquals("q must be in [0, 1], got 1.5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.sample(-1, 0.5));
  }

  @Test
  void seededSamplerIsReproducible() {
    assertArrayEquals(seeded(7).sample(1000, 0.05), seeded(7).sample(1000, 0.05));
  }

  /**
   * Secure sampler, n = 1000, q = 0.05, 4000 draws: the mean batch size must be qN = 50 (its standard error is
   * √(47.5/4000) ≈ 0.109; 6 standard errors allowed) and the variance Nq(1−q) = 47.5 (±15%); each index must be
   * included at rate q (the per-index count is Binomial(4000, 0.05): mean 200, sd 13.8; chi-square over indexes).
   */
  @Test
  @Tag("statistical")
  void batchSizesHaveMeanQnAndInclusionIsUniform() {
    PoissonSampler s = PoissonSampler.secure();
    int n = 1000;
    double q = 0.05;
    int draws = 4000;
    long[] counts = new long[n];
    double sum = 0;
    double sumSq = 0;
    for (int d = 0; d < draws; d++) {
      int[] idx = s.sample(n, q);
      sum += idx.length;
      sumSq += (double) idx.length * idx.length;
      for (int i : idx) {
        counts[i]++;
      }
    }
    double mean = sum / draws;
    double var = (sumSq - draws * mean * mean) / (draws - 1);
    assertEquals(n * q, mean, 6 * Math.sqrt(n * q * (1 - q) / draws), "mean batch size");
    assertEquals(n * q * (1 - q), var, 0.15 * n * q * (1 - q), "batch size variance");
    double expected = draws * q;
    double chi2 = 0;
    for (long c : counts) {
      chi2 += (c - expected) * (c - expected) / (expected * (1 - q));
    }
    // chi2 over 1000 indexes ~ mean 1000, sd ≈ 44.7: allow ±6 sd.
    assertEquals(n, chi2, 6 * Math.sqrt(2.0 * n), "per-index inclusion chi-square");
  }

  @Test
  @Tag("statistical")
  void smallRateStillUnbiased() {
    PoissonSampler s = PoissonSampler.secure();
    int n = 100_000;
    double q = 1e-3;
    double sum = 0;
    int draws = 2000;
    for (int d = 0; d < draws; d++) {
      sum += s.sample(n, q).length;
    }
    assertEquals(n * q, sum / draws, 6 * Math.sqrt(n * q / draws));
  }
}
