package io.trustfl.server.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.NoiseKey;
import io.trustfl.proto.ClientUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The same round aggregated through every available kernel backend gives the Java backend's result (sums in double
 * on every backend; noise bit-identical by docs/NOISE.md). Backends that cannot run here are skipped with their
 * reason.
 */
class BackendAgreementTest {

  static List<ClientUpdate> updates() {
    SplittableRandom r = new SplittableRandom(17);
    List<ClientUpdate> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      float[] v = new float[Updates.D];
      double scale = i % 3 == 0 ? 5.0 : 0.2; // a third exceed the clip norm
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) (scale * (r.nextDouble() - 0.5));
      }
      if (i == 7) {
        v[3] = Float.NaN;
      }
      out.add(Updates.update(9, v, 1 + i % 5));
    }
    return out;
  }

  static AggregateResult run(String backend, Aggregator agg) {
    try (Kernels k = KernelRegistry.open(backend)) {
      PartialAggregate left = agg.open(k, Updates.spec(9));
      PartialAggregate right = agg.open(k, Updates.spec(9));
      List<ClientUpdate> us = updates();
      for (int i = 0; i < us.size(); i++) {
        (i < 25 ? left : right).offer(us.get(i));
      }
      left.merge(right);
      right.close();
      AggregateResult r = agg.finish(left);
      left.close();
      return r;
    }
  }

  @Test
  void everyAvailableBackendAgreesWithJava() {
    NoiseKey key = NoiseKey.insecureFixedKeyForTesting(new byte[32]);
    AggregateResult plainJava = run("java", FedAvgAggregator.exampleWeighted(1.0));
    AggregateResult dpJava = run("java", CentralDpAggregator.builder().noiseMultiplier(1.1)
        .expectedClientsPerRound(40).fixedClipNorm(1.0).noiseKey(key).build());
    assertEquals(39, plainJava.counts().accepted());
    assertEquals(1, plainJava.counts().rejected(RejectionReason.NON_FINITE));
    int compared = 0;
    for (KernelRegistry.BackendInfo b : KernelRegistry.describe()) {
      if (b.name().equals("java") || !b.available()) {
        continue;
      }
      AggregateResult plain = run(b.name(), FedAvgAggregator.exampleWeighted(1.0));
      AggregateResult dp = run(b.name(), CentralDpAggregator.builder().noiseMultiplier(1.1)
          .expectedClientsPerRound(40).fixedClipNorm(1.0).noiseKey(key).build());
      assertArrayEquals(plainJava.meanDelta(), plain.meanDelta(), 1e-9, b.name());
      assertArrayEquals(dpJava.meanDelta(), dp.meanDelta(), 1e-9, b.name());
      assertEquals(plainJava.counts(), plain.counts(), b.name());
      compared++;
    }
    Assumptions.assumeTrue(compared > 0, "no native kernel backend can run here: " + KernelRegistry.describe());
  }
}
