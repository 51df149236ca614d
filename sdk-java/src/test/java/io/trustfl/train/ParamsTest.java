package io.trustfl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trustfl.proto.DType;
import io.trustfl.proto.Tensor;
import io.trustfl.proto.Weights;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParamsTest {
  @Test
  void validatesLayoutAndValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Params.of(List.of("w"),
        List.<long[]>of(new long[] {2, 2}), List.of(new float[3])));
    assertEquals("parameter 'w' has shape [2, 2] (4 elements) but 3 values", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Params.of(List.of("w"), List.<long[]>of(new long[] {2}),
        List.of(new float[] {1f, Float.NaN})));
    assertEquals("parameter 'w' element 1 is NaN: parameters must be finite", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Params.of(List.of("w", "w"),
        List.of(new long[] {1}, new long[] {1}), List.of(new float[1], new float[1])));
    assertEquals("parameter names must be unique, got 'w' twice", e.getMessage());
  }

  @Test
  void weightsRoundTripIsLittleEndianFloat32() {
    Params p = Params.of(List.of("a"), List.<long[]>of(new long[] {2}), List.of(new float[] {1f, -2.5f}));
    Weights w = p.toWeights();
    Tensor t = w.getTensors(0);
    assertEquals(DType.FLOAT32, t.getDtype());
    // 1.0f = 0x3f800000, -2.5f = 0xc0200000, little-endian
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0x20, (byte) 0xc0}, t.getData().toByteArray());
    assertArrayEquals(p.values(0), Params.fromWeights(w).values(0));
  }

  @Test
  void fromWeightsRejectsNanAndWrongDtype() {
    Params p = Params.of(List.of("a"), List.<long[]>of(new long[] {1}), List.of(new float[] {1f}));
    Weights w = p.toWeights();
    Weights nan = w.toBuilder().setTensors(0, w.getTensors(0).toBuilder().setData(
        com.google.protobuf.ByteString.copyFrom(new byte[] {0, 0, (byte) 0xc0, 0x7f}))).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Params.fromWeights(nan));
    assertEquals("parameter 'a' element 0 is NaN: parameters must be finite", e.getMessage());
    Weights i64 = w.toBuilder().setTensors(0, w.getTensors(0).toBuilder().setDtype(DType.INT64)).build();
    assertThrows(IllegalArgumentException.class, () -> Params.fromWeights(i64));
  }
}
