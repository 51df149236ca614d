package io.trustfl.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class WeightsCodecTest {

  @Test
  void float32IsLittleEndian() {
    Tensor t = WeightsCodec.encodeFloat32("w", new long[] {2}, new float[] {1.0f, -2.0f});
    // 1.0f = 0x3F800000, -2.0f = 0xC0000000, least significant byte first.
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0}, t.getData().toByteArray());
    assertArrayEquals(new float[] {1.0f, -2.0f}, WeightsCodec.decode(t));
  }

  @Test
  void float64IsDecodedAndNarrowed() {
    // 0.5 = 0x3FE0000000000000 little-endian.
    Tensor t = Tensor.newBuilder().setName("b").setDtype(DType.FLOAT64).addShape(1)
        .setData(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xE0, 0x3F})).build();
    assertArrayEquals(new float[] {0.5f}, WeightsCodec.decode(t));
  }

  @Test
  void quantizedPacksLeastSignificantBitFirst() {
    // levels 5 (101), 2 (010), 7 (111) at 3 bits: bit stream 1,0,1, 0,1,0, 1,1,1 -> 0xD5, 0x01 (hand-packed).
    Tensor t = WeightsCodec.encodeQuantized("q", new long[] {3}, new int[] {5, 2, 7}, 3, -1.0, 1.0);
    assertArrayEquals(new byte[] {(byte) 0xD5, 0x01}, t.getData().toByteArray());
    float[] v = WeightsCodec.decode(t);
    // value = lo + q (hi - lo) / 7
    assertArrayEquals(new float[] {(float) (3.0 / 7), (float) (-3.0 / 7), 1.0f}, v, 1e-7f);
  }

  @Test
  void quantizedSixteenBitsRoundTrips() {
    int[] levels = {0, 1, 65535, 12345};
    Tensor t = WeightsCodec.encodeQuantized("q", new long[] {2, 2}, levels, 16, 0.0, 65535.0);
    assertArrayEquals(new float[] {0f, 1f, 65535f, 12345f}, WeightsCodec.decode(t));
  }

  @Test
  void scalarHasOneElement() {
    Tensor t = WeightsCodec.encodeFloat32("s", new long[0], new float[] {3f});
    assertEquals(1, WeightsCodec.elementCount(t));
  }

  @Test
  void malformedPayloadsAreRejectedWithTheirReason() {
    Tensor shortData = WeightsCodec.encodeFloat32("w", new long[] {2}, new float[] {1f, 2f}).toBuilder()
        .clearShape().addShape(3).build();
    var e = assertThrows(WeightsCodec.MalformedTensorException.class, () -> WeightsCodec.decode(shortData));
    assertTrue(e.getMessage().contains("must carry 12 bytes, got 8"), e.getMessage());

    Tensor noQuant = Tensor.newBuilder().setName("q").setDtype(DType.QUANTIZED).addShape(1)
        .setData(ByteString.copyFrom(new byte[1])).build();
    assertThrows(WeightsCodec.MalformedTensorException.class, () -> WeightsCodec.decode(noQuant));

    Tensor badBits = WeightsCodec.encodeQuantized("q", new long[] {1}, new int[] {1}, 4, 0, 1).toBuilder()
        .setQuantization(Quantization.newBuilder().setBits(17).setLo(0).setHi(1)).build();
    var e2 = assertThrows(WeightsCodec.MalformedTensorException.class, () -> WeightsCodec.decode(badBits));
    assertTrue(e2.getMessage().contains("must be in [1, 16], got 17"), e2.getMessage());

    Tensor badRange = WeightsCodec.encodeQuantized("q", new long[] {1}, new int[] {1}, 4, 0, 1).toBuilder()
        .setQuantization(Quantization.newBuilder().setBits(4).setLo(1).setHi(Double.NaN)).build();
    assertThrows(WeightsCodec.MalformedTensorException.class, () -> WeightsCodec.decode(badRange));

    Tensor ints = Tensor.newBuilder().setName("i").setDtype(DType.INT64).addShape(1)
        .setData(ByteString.copyFrom(new byte[8])).build();
    assertThrows(WeightsCodec.MalformedTensorException.class, () -> WeightsCodec.decode(ints));

    Tensor negative = Tensor.newBuilder().setName("n").setDtype(DType.FLOAT32).addShape(-1).build();
    assertThrows(WeightsCodec.MalformedTensorException.class, () -> WeightsCodec.decode(negative));

    Tensor huge = Tensor.newBuilder().setName("h").setDtype(DType.FLOAT32).addShape(1L << 40).addShape(1L << 40)
        .build();
    assertThrows(WeightsCodec.MalformedTensorException.class, () -> WeightsCodec.decode(huge));
  }

  @Test
  void encodeValidatesArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> WeightsCodec.encodeFloat32("w", new long[] {3}, new float[2]));
    var e = assertThrows(IllegalArgumentException.class,
        () -> WeightsCodec.encodeQuantized("q", new long[] {1}, new int[] {8}, 3, 0, 1));
    assertEquals("levels[0] must be in [0, 7] for 3 bits, got 8", e.getMessage());
  }
}
