package io.trustfl.proto;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Converts between {@link Tensor} payloads and {@code float[]}: little-endian FLOAT32 (and FLOAT64, narrowed) and
 * the packed {@link DType#QUANTIZED} format of {@link Quantization} ({@code value = lo + q·(hi − lo)/(2^bits − 1)},
 * {@code q} unsigned integers of {@code bits} bits packed least-significant bit first). Shared by the device client
 * (which encodes) and the server (which decodes and must distrust every field).
 *
 * <p>Every decode checks the payload length against the shape; a malformed tensor throws
 * {@link MalformedTensorException} naming the tensor and the inconsistency. Decoding does not check finiteness:
 * callers validate values. Stateless and thread-safe.
 */
public final class WeightsCodec {
  /** Largest element count a tensor may declare (a decoded tensor must fit in one Java array). */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private WeightsCodec() {}

  /**
   * Number of elements a shape describes: the product of its dimensions, 1 for a scalar (empty shape).
   *
   * @throws MalformedTensorException if a dimension is negative or the product exceeds {@link #MAX_ELEMENTS}
   */
  public static long elementCount(Tensor tensor) {
    long n = 1;
    for (int i = 0; i < tensor.getShapeCount(); i++) {
      long d = tensor.getShape(i);
      if (d < 0) {
        throw new MalformedTensorException("tensor '" + tensor.getName() + "' has negative dimension " + d
            + " at axis " + i);
      }
      if (d != 0 && n > MAX_ELEMENTS / d) {
        throw new MalformedTensorException("tensor '" + tensor.getName() + "' declares more than " + MAX_ELEMENTS
            + " elements");
      }
      n *= d;
    }
    return n;
  }

  /**
   * Decodes a FLOAT32, FLOAT64 or QUANTIZED tensor into {@code out[off …]}.
   *
   * @return the number of elements written
   * @throws MalformedTensorException for another dtype, a payload whose length does not match the shape, or an
   *     invalid {@link Quantization}
   */
  public static int decodeInto(Tensor tensor, float[] out, int off) {
    int n = Math.toIntExact(elementCount(tensor));
    Objects.checkFromIndexSize(off, n, out.length);
    ByteString data = tensor.getData();
    switch (tensor.getDtype()) {
      case FLOAT32: {
        expectBytes(tensor, (long) n * Float.BYTES);
        ByteBuffer b = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().get(out, off, n);
        return n;
      }
      case FLOAT64: {
        expectBytes(tensor, (long) n * Double.BYTES);
        ByteBuffer b = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          out[off + i] = (float) b.getDouble(i * Double.BYTES);
        }
        return n;
      }
      case QUANTIZED:
        decodeQuantized(tensor, n, out, off);
        return n;
      default:
        throw new MalformedTensorException("tensor '" + tensor.getName() + "' has dtype " + tensor.getDtype()
            + "; model weights must be FLOAT32, FLOAT64 or QUANTIZED");
    }
  }

  /** Decodes a FLOAT32, FLOAT64 or QUANTIZED tensor into a new array; see {@link #decodeInto}. */
  public static float[] decode(Tensor tensor) {
    float[] out = new float[Math.toIntExact(elementCount(tensor))];
    decodeInto(tensor, out, 0);
    return out;
  }

  /**
   * Encodes {@code values} as a little-endian FLOAT32 tensor.
   *
   * @param shape dimensions whose product is {@code values.length}
   */
  public static Tensor encodeFloat32(String name, long[] shape, float[] values) {
    checkShape(name, shape, values.length);
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    Tensor.Builder t = Tensor.newBuilder().setName(name).setDtype(DType.FLOAT32).setData(ByteString.copyFrom(b));
    for (long d : shape) {
      t.addShape(d);
    }
    return t.build();
  }

  /**
   * Encodes already-quantized levels as a QUANTIZED tensor (the rounding itself, e.g. stochastic, is the caller's).
   *
   * @param levels one level per element, each in {@code [0, 2^bits − 1]}
   * @param bits 1 … 16
   * @param lo value of level 0, finite
   * @param hi value of the top level, finite and ≥ lo
   */
  public static Tensor encodeQuantized(String name, long[] shape, int[] levels, int bits, double lo, double hi) {
    checkShape(name, shape, levels.length);
    checkQuantization(name, bits, lo, hi);
    int max = (1 << bits) - 1;
    byte[] packed = new byte[(int) ((levels.length * (long) bits + 7) / 8)];
    long bit = 0;
    for (int i = 0; i < levels.length; i++) {
      int q = levels[i];
      if (q < 0 || q > max) {
        throw new IllegalArgumentException("levels[" + i + "] must be in [0, " + max + "] for " + bits
            + " bits, got " + q);
      }
      for (int k = 0; k < bits; k++, bit++) {
        if (((q >>> k) & 1) != 0) {
          packed[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
        }
      }
    }
    Tensor.Builder t = Tensor.newBuilder().setName(name).setDtype(DType.QUANTIZED)
        .setData(ByteString.copyFrom(packed))
        .setQuantization(Quantization.newBuilder().setBits(bits).setLo(lo).setHi(hi));
    for (long d : shape) {
      t.addShape(d);
    }
    return t.build();
  }

  private static void decodeQuantized(Tensor tensor, int n, float[] out, int off) {
    if (!tensor.hasQuantization()) {
      throw new MalformedTensorException("tensor '" + tensor.getName() + "' is QUANTIZED but has no quantization"
          + " parameters");
    }
    Quantization qz = tensor.getQuantization();
    int bits = qz.getBits();
    try {
      checkQuantization(tensor.getName(), bits, qz.getLo(), qz.getHi());
    } catch (IllegalArgumentException e) {
      throw new MalformedTensorException(e.getMessage());
    }
    expectBytes(tensor, ((long) n * bits + 7) / 8);
    byte[] data = tensor.getData().toByteArray();
    double lo = qz.getLo();
    double step = (qz.getHi() - lo) / ((1 << bits) - 1);
    long bit = 0;
    for (int i = 0; i < n; i++) {
      int q = 0;
      for (int k = 0; k < bits; k++, bit++) {
        q |= ((data[(int) (bit >>> 3)] >>> (bit & 7)) & 1) << k;
      }
      out[off + i] = (float) (lo + q * step);
    }
  }

  private static void checkQuantization(String name, int bits, double lo, double hi) {
    if (bits < 1 || bits > 16) {
      throw new IllegalArgumentException("quantization bits of tensor '" + name + "' must be in [1, 16], got "
          + Integer.toUnsignedString(bits));
    }
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || hi < lo) {
      throw new IllegalArgumentException("quantization range of tensor '" + name + "' must be finite with"
          + " lo <= hi, got lo=" + lo + " hi=" + hi);
    }
  }

  private static void checkShape(String name, long[] shape, int length) {
    Objects.requireNonNull(name, "name");
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape of tensor '" + name + "' must have dimensions >= 0, got " + d);
      }
      n *= d;
    }
    if (n != length) {
      throw new IllegalArgumentException("shape of tensor '" + name + "' describes " + n + " elements but "
          + length + " were given");
    }
  }

  private static void expectBytes(Tensor tensor, long expected) {
    if (tensor.getData().size() != expected) {
      throw new MalformedTensorException("tensor '" + tensor.getName() + "' (" + tensor.getDtype() + ", shape "
          + tensor.getShapeList() + ") must carry " + expected + " bytes, got " + tensor.getData().size());
    }
  }

  /** Thrown when a tensor's payload is inconsistent with its declared dtype, shape or quantization. */
  public static final class MalformedTensorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the tensor and the inconsistency. */
    public MalformedTensorException(String message) {
      super(message);
    }
  }
}
