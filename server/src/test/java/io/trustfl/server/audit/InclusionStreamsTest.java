package io.trustfl.server.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The membership draws of different models must be independent: with java.util.Random seeded by seed + k, the
 * i-th nextBoolean() of consecutive models agrees with an index-dependent probability far from 1/2 (the states differ
 * by the fixed offset a^i), which correlated shadow and target membership in a first version of the audit. The mixed
 * seeds must not show that.
 */
class InclusionStreamsTest {
  private static double worstAgreementBias(java.util.function.LongFunction<Random> stream) {
    int streams = 400;
    int bits = 64;
    boolean[][] b = new boolean[streams][bits];
    for (int k = 0; k < streams; k++) {
      Random r = stream.apply(k);
      for (int i = 0; i < bits; i++) {
        b[k][i] = r.nextBoolean();
      }
    }
    double worst = 0;
    for (int i = 0; i < bits; i++) {
      int agree = 0;
      for (int k = 0; k + 1 < streams; k++) {
        agree += b[k][i] == b[k + 1][i] ? 1 : 0;
      }
      worst = Math.max(worst, Math.abs((double) agree / (streams - 1) - 0.5));
    }
    return worst;
  }

  @Test
  void consecutiveModelsDrawIndependentMembership() {
    double naive = worstAgreementBias(k -> new Random(1_000_003L + k));
    double mixed = worstAgreementBias(k -> new Random(CentralAudit.mix(1, k)));
    // 399 pairs: sd of an agreement rate is 0.025; over 64 indexes the max |bias| of a fair stream is ~0.07
    assertTrue(naive > 0.3, "the naive seeding should show the correlation, worst bias " + naive);
    assertTrue(mixed < 0.12, "mixed seeds: worst agreement bias " + mixed);
  }
}
