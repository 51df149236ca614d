package io.trustfl.nativecpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * Hands buffers to native code: direct buffers in native byte order are passed as they are (no copy); heap buffers
 * and direct buffers in the other byte order are copied into a fresh direct buffer (and copied back for outputs).
 * The native side only ever sees direct, native-order memory.
 */
final class NativeBuffers {
  private NativeBuffers() {}

  static boolean usable(java.nio.Buffer b, ByteOrder order) {
    return b.isDirect() && order == ByteOrder.nativeOrder();
  }

  /** Allocates a direct native-order double buffer. */
  static DoubleBuffer doubles(int n) {
    return ByteBuffer.allocateDirect(8 * Math.max(1, n)).order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }

  private static final ThreadLocal<DoubleBuffer> SCRATCH = new ThreadLocal<>();

  /**
   * A per-thread direct scratch buffer of at least n doubles (allocating direct memory costs microseconds, too much
   * for small calls). Its contents are undefined; it must not escape the calling method.
   */
  static DoubleBuffer scratchDoubles(int n) {
    DoubleBuffer b = SCRATCH.get();
    if (b == null || b.capacity() < n) {
      b = doubles(Math.max(n, 64));
      SCRATCH.set(b);
    }
    return b;
  }

  /** Allocates a direct native-order float buffer. */
  static FloatBuffer floats(int n) {
    return ByteBuffer.allocateDirect(4 * Math.max(1, n)).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** An input of n floats from {@code b}'s position: {@code b} itself, or a direct copy positioned at 0. */
  static FloatBuffer in(FloatBuffer b, int n) {
    if (b == null || usable(b, b.order())) {
      return b;
    }
    FloatBuffer d = floats(n);
    d.put(0, b, b.position(), n);
    return d;
  }

  /** An input of n doubles from {@code b}'s position; see {@link #in(FloatBuffer, int)}. */
  static DoubleBuffer in(DoubleBuffer b, int n) {
    if (b == null || usable(b, b.order())) {
      return b;
    }
    DoubleBuffer d = doubles(n);
    d.put(0, b, b.position(), n);
    return d;
  }

  /**
   * An output of n doubles at {@code b}'s position: {@code b} itself, or a direct buffer (holding a copy of the
   * current contents when {@code copyIn}) that {@link #copyBack} writes back.
   *
   * @throws ReadOnlyBufferException if {@code b} is read-only
   */
  static DoubleBuffer out(DoubleBuffer b, int n, boolean copyIn) {
    if (b == null) {
      return null;
    }
    if (b.isReadOnly()) {
      throw new ReadOnlyBufferException();
    }
    if (usable(b, b.order())) {
      return b;
    }
    DoubleBuffer d = doubles(n);
    if (copyIn) {
      d.put(0, b, b.position(), n);
    }
    return d;
  }

  /** Writes the first n doubles of {@code native} back to {@code original} when they differ. */
  static void copyBack(DoubleBuffer original, DoubleBuffer nativeSide, int n) {
    if (original != null && nativeSide != original) {
      original.put(original.position(), nativeSide, 0, n);
    }
  }
}
