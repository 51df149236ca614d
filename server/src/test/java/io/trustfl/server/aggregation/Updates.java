package io.trustfl.server.aggregation;

import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.FormatVersion;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.Weights;
import io.trustfl.proto.WeightsCodec;
import java.util.List;

/** Builds test updates for a two-tensor layout: "w" [2, 3] and "b" [3] (D = 9). */
final class Updates {
  static final String TASK = "task-a";
  static final ModelLayout LAYOUT = new ModelLayout(List.of(
      new ModelLayout.TensorSpec("w", List.of(2L, 3L)), new ModelLayout.TensorSpec("b", List.of(3L))));
  static final int D = 9;

  private Updates() {}

  static RoundSpec spec(long round) {
    return RoundSpec.of(TASK, round, LAYOUT, 100.0);
  }

  static Weights delta(float[] flat) {
    float[] w = new float[6];
    float[] b = new float[3];
    System.arraycopy(flat, 0, w, 0, 6);
    System.arraycopy(flat, 6, b, 0, 3);
    return Weights.newBuilder().setVersion(ProtocolVersions.current())
        .addTensors(WeightsCodec.encodeFloat32("w", new long[] {2, 3}, w))
        .addTensors(WeightsCodec.encodeFloat32("b", new long[] {3}, b)).build();
  }

  static ClientUpdate update(long round, float[] flat, long examples) {
    return ClientUpdate.newBuilder().setVersion(ProtocolVersions.current()).setTaskId(TASK).setRound(round)
        .setDeviceId("d").setDelta(delta(flat)).setExampleCount(examples).build();
  }

  static ClientUpdate withVersion(ClientUpdate u, int major) {
    return u.toBuilder().setVersion(FormatVersion.newBuilder().setMajor(major)).build();
  }

  /** A vector of length D along the first axis with the given norm. */
  static float[] alongFirstAxis(double norm) {
    float[] v = new float[D];
    v[0] = (float) norm;
    return v;
  }

  static float[] filled(float value) {
    float[] v = new float[D];
    java.util.Arrays.fill(v, value);
    return v;
  }
}
