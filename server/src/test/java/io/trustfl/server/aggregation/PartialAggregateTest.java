package io.trustfl.server.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.Tensor;
import io.trustfl.proto.Weights;
import io.trustfl.proto.WeightsCodec;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour tests of validation, rejection counting, re-clipping, weighting and merging (no noise). */
class PartialAggregateTest {
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
  void everyInvalidUpdateIsRejectedWithItsReasonAndNeverSummed() {
    FedAvgAggregator plain = FedAvgAggregator.exampleWeighted(Double.POSITIVE_INFINITY);
    try (PartialAggregate p = plain.open(kernels, Updates.spec(3))) {
      float[] good = Updates.filled(0.5f);
      float[] nan = Updates.filled(0.5f);
      nan[4] = Float.NaN;
      float[] inf = Updates.filled(0.5f);
      inf[8] = Float.NEGATIVE_INFINITY;
      ClientUpdate ok = Updates.update(3, good, 2);
      Weights wrongShape = ok.getDelta().toBuilder()
          .setTensors(1, WeightsCodec.encodeFloat32("b", new long[] {1, 3}, new float[3])).build();
      Weights renamed = ok.getDelta().toBuilder()
          .setTensors(1, WeightsCodec.encodeFloat32("bias", new long[] {3}, new float[3])).build();
      Weights missing = Weights.newBuilder().setVersion(ok.getDelta().getVersion())
          .addTensors(ok.getDelta().getTensors(0)).build();
      Tensor truncated = ok.getDelta().getTensors(0).toBuilder()
          .setData(ByteString.copyFrom(new byte[20])).build();
      Weights malformed = ok.getDelta().toBuilder().setTensors(0, truncated).build();

      Map<ClientUpdate, RejectionReason> bad = new java.util.LinkedHashMap<>();
      bad.put(Updates.update(3, nan, 2), RejectionReason.NON_FINITE);
      bad.put(Updates.update(3, inf, 2), RejectionReason.NON_FINITE);
      bad.put(ok.toBuilder().setDelta(wrongShape).build(), RejectionReason.SHAPE_MISMATCH);
      bad.put(ok.toBuilder().setDelta(renamed).build(), RejectionReason.TENSOR_MISMATCH);
      bad.put(ok.toBuilder().setDelta(missing).build(), RejectionReason.TENSOR_MISMATCH);
      bad.put(ok.toBuilder().setDelta(malformed).build(), RejectionReason.MALFORMED_TENSOR);
      bad.put(Updates.withVersion(ok, 2), RejectionReason.UNSUPPORTED_VERSION);
      bad.put(ok.toBuilder().clearVersion().build(), RejectionReason.UNSUPPORTED_VERSION);
      bad.put(ok.toBuilder().setTaskId("other").build(), RejectionReason.WRONG_TASK);
      bad.put(ok.toBuilder().setRound(2).build(), RejectionReason.WRONG_ROUND);
      bad.put(Updates.update(3, Updates.alongFirstAxis(100.5), 2), RejectionReason.NORM_TOO_LARGE);
      bad.put(Updates.update(3, good, 0), RejectionReason.INVALID_EXAMPLE_COUNT);

      for (Map.Entry<ClientUpdate, RejectionReason> e : bad.entrySet()) {
        UpdateVerdict v = p.offer(e.getKey());
        assertFalse(v.accepted(), () -> "should reject: " + e.getValue());
        assertEquals(e.getValue(), v.reason(), v.detail());
        assertFalse(v.detail().isEmpty());
      }
      assertTrue(p.offer(ok).accepted());
      p.countRejection(RejectionReason.LATE);

      UpdateCounts c = p.counts();
      assertEquals(1, c.accepted());
      assertEquals(2, c.rejected(RejectionReason.NON_FINITE));
      assertEquals(2, c.rejected(RejectionReason.TENSOR_MISMATCH));
      assertEquals(2, c.rejected(RejectionReason.UNSUPPORTED_VERSION));
      assertEquals(1, c.rejected(RejectionReason.SHAPE_MISMATCH));
      assertEquals(1, c.rejected(RejectionReason.MALFORMED_TENSOR));
      assertEquals(1, c.rejected(RejectionReason.WRONG_TASK));
      assertEquals(1, c.rejected(RejectionReason.WRONG_ROUND));
      assertEquals(1, c.rejected(RejectionReason.NORM_TOO_LARGE));
      assertEquals(1, c.rejected(RejectionReason.INVALID_EXAMPLE_COUNT));
      assertEquals(1, c.rejected(RejectionReason.LATE));
      assertEquals(bad.size() + 1, c.rejectedTotal());
      assertEquals(2L, c.rejectedByWireName().get("non_finite"));
      // Only the good update (weight 2) is in the sum.
      double[] sum = p.partialSum();
      for (double s : sum) {
        assertEquals(1.0, s, 0.0);
      }
      assertEquals(2.0, p.weightSum());
    }
  }

  @Test
  void wrongModelChecksumIsRejectedWhenTheRoundNamesOne() {
    RoundSpec spec = new RoundSpec(Updates.TASK, 1, "abc", Updates.LAYOUT, 10, 100);
    try (PartialAggregate p = FedAvgAggregator.uniform(1.0).open(kernels, spec)) {
      ClientUpdate u = Updates.update(1, Updates.filled(0.1f), 1);
      assertEquals(RejectionReason.WRONG_MODEL, p.offer(u.toBuilder().setModelChecksum("abd").build()).reason());
      assertTrue(p.offer(u.toBuilder().setModelChecksum("abc").build()).accepted());
      assertEquals(RejectionReason.INVALID_EXAMPLE_COUNT, p.offer(Updates.update(1, Updates.filled(0.1f), 101)
          .toBuilder().setModelChecksum("abc").build()).reason());
    }
  }

  @Test
  void serverClipsAgainWhateverTheDeviceClaims() {
    // C = 1: an update of norm 5 along the first axis contributes exactly (1, 0, ..., 0); one of norm 0.5 is kept.
    try (PartialAggregate p = FedAvgAggregator.uniform(1.0).open(kernels, Updates.spec(0))) {
      ClientUpdate big = Updates.update(0, Updates.alongFirstAxis(5.0), 7).toBuilder()
          .setDeltaNormBeforeClip(0.1).build();
      UpdateVerdict v = p.offer(big);
      assertTrue(v.accepted());
      assertEquals(5.0, v.norm(), 1e-12);
      assertEquals(0.2, v.clipFactor(), 1e-12);
      assertTrue(p.offer(Updates.update(0, Updates.alongFirstAxis(0.5), 3)).accepted());
      double[] sum = p.partialSum();
      assertEquals(1.5, sum[0], 1e-12);
      for (int i = 1; i < Updates.D; i++) {
        assertEquals(0.0, sum[i]);
      }
      UpdateCounts c = p.counts();
      assertEquals(1, c.clipped());
      assertEquals(1, c.withinClip());
      assertEquals(2.0, p.weightSum(), "uniform weighting ignores example counts");
    }
  }

  @Test
  void fedAvgWeightsByExamples() {
    // (1·a + 3·b) / 4 with a = 1, b = 2 everywhere -> 1.75 (hand computation).
    FedAvgAggregator plain = FedAvgAggregator.exampleWeighted(Double.POSITIVE_INFINITY);
    PartialAggregate p = plain.open(kernels, Updates.spec(1));
    p.offer(Updates.update(1, Updates.filled(1f), 1));
    p.offer(Updates.update(1, Updates.filled(2f), 3));
    AggregateResult r = plain.finish(p);
    for (double x : r.meanDelta()) {
      assertEquals(1.75, x, 1e-12);
    }
    assertEquals(4.0, r.release().denominator());
    assertEquals(0.0, r.release().noiseStddev());
    assertEquals(1, r.round());
    assertThrows(IllegalStateException.class, () -> p.offer(Updates.update(1, Updates.filled(1f), 1)));
    assertThrows(IllegalStateException.class, () -> plain.finish(p));
    p.close();
  }

  @Test
  void nothingAcceptedReleasesZeros() {
    FedAvgAggregator plain = FedAvgAggregator.exampleWeighted(1.0);
    PartialAggregate p = plain.open(kernels, Updates.spec(1));
    p.offer(Updates.update(2, Updates.filled(1f), 1));
    AggregateResult r = plain.finish(p);
    assertArrayEquals(new double[Updates.D], r.meanDelta());
    assertEquals(0, r.counts().accepted());
    assertEquals(1, r.counts().rejected(RejectionReason.WRONG_ROUND));
  }

  @Test
  void quantizedUpdatesAreDecoded() {
    // 2 bits over [-1, 1]: levels 0..3 -> -1, -1/3, 1/3, 1.
    int[] wl = {0, 1, 2, 3, 3, 3};
    int[] bl = {0, 0, 1};
    Weights delta = Weights.newBuilder()
        .addTensors(WeightsCodec.encodeQuantized("w", new long[] {2, 3}, wl, 2, -1, 1))
        .addTensors(WeightsCodec.encodeQuantized("b", new long[] {3}, bl, 2, -1, 1)).build();
    ClientUpdate u = Updates.update(0, new float[Updates.D], 1).toBuilder().setDelta(delta).build();
    try (PartialAggregate p = FedAvgAggregator.uniform(Double.POSITIVE_INFINITY).open(kernels, Updates.spec(0))) {
      assertTrue(p.offer(u).accepted());
      double third = (float) (1.0 / 3);
      assertArrayEquals(new double[] {-1, -third, third, 1, 1, 1, -1, -1, -third}, p.partialSum(), 1e-7);
    }
  }

  @Test
  void mergeIsTheSameAsOneAggregate() {
    FedAvgAggregator plain = FedAvgAggregator.exampleWeighted(1.0);
    ClientUpdate[] us = {
        Updates.update(4, Updates.filled(0.2f), 2), Updates.update(4, Updates.alongFirstAxis(3), 1),
        Updates.update(4, Updates.filled(Float.NaN), 1), Updates.update(4, Updates.filled(-0.1f), 5)};
    try (PartialAggregate all = plain.open(kernels, Updates.spec(4));
        PartialAggregate left = plain.open(kernels, Updates.spec(4));
        PartialAggregate right = plain.open(kernels, Updates.spec(4))) {
      for (int i = 0; i < us.length; i++) {
        all.offer(us[i]);
        (i % 2 == 0 ? left : right).offer(us[i]);
      }
      right.merge(left);
      assertArrayEquals(all.partialSum(), right.partialSum(), 1e-12);
      assertEquals(all.counts(), right.counts());
      assertEquals(all.weightSum(), right.weightSum());
      try (PartialAggregate otherRound = plain.open(kernels, Updates.spec(5))) {
        assertThrows(IllegalArgumentException.class, () -> right.merge(otherRound));
      }
      assertThrows(IllegalArgumentException.class, () -> right.merge(right));
    }
  }

  @Test
  void layoutRoundTripsWeights() {
    float[] flat = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    Weights w = Updates.LAYOUT.toWeights(flat);
    assertEquals(Updates.LAYOUT, ModelLayout.of(w));
    assertArrayEquals(flat, Updates.LAYOUT.flatten(w));
    assertThrows(IllegalArgumentException.class, () -> Updates.LAYOUT.toWeights(new float[8]));
  }

  @Test
  void specValidatesItsFields() {
    var e = assertThrows(IllegalArgumentException.class, () -> RoundSpec.of("t", 0, Updates.LAYOUT, -1));
    assertEquals("maxNorm must be finite and > 0, got -1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RoundSpec.of("t", -1, Updates.LAYOUT, 1));
    assertThrows(IllegalArgumentException.class, () -> new FedAvgAggregator(0.0, Weighting.UNIFORM));
  }
}
