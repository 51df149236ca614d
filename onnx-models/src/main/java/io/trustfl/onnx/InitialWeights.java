package io.trustfl.onnx;

import com.google.protobuf.ByteString;
import io.trustfl.onnx.layers.Init;
import io.trustfl.onnx.layers.ParameterDef;
import io.trustfl.proto.DType;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.Tensor;
import io.trustfl.proto.Weights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Seeded initial parameters as a {@code Weights} message (float32, little-endian, parameter order). The same spec
 * and seed always give the same bytes. The generator is {@link SplittableRandom}: initialization is not a privacy
 * mechanism, so it needs reproducibility, not a CSPRNG (DP noise never comes from here).
 */
public final class InitialWeights {
  private InitialWeights() {}

  /**
   * Draws every parameter of {@code spec} in parameter order from one generator seeded with {@code seed}.
   *
   * @param spec the model
   * @param seed the seed (recorded in the bundle's metadata as {@code init_seed})
   * @return the weights, one float32 tensor per parameter
   */
  public static Weights generate(ModelSpec spec, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Weights.Builder w = Weights.newBuilder().setVersion(ProtocolVersions.current());
    for (ParameterDef p : spec.parameters()) {
      int n = Math.toIntExact(p.size());
      ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(n, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
      if (p.init() instanceof Init.Uniform u) {
        for (int i = 0; i < n; i++) {
          buf.putFloat((float) ((2 * rng.nextDouble() - 1) * u.bound()));
        }
      } else if (!(p.init() instanceof Init.Zeros)) {
        throw new IllegalArgumentException("unknown initializer " + p.init() + " for " + p.name());
      }
      // Zeros leave the buffer untouched: the whole backing array is the tensor, whatever was written.
      w.addTensors(Tensor.newBuilder().setName(p.name()).setDtype(DType.FLOAT32).addAllShape(p.shape())
          .setData(ByteString.copyFrom(buf.array())));
    }
    return w.build();
  }
}
