package io.trustfl.nativecpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/** Test helpers: buffers of each kind and random data (test-only RNG). */
final class TestBuffers {
  private TestBuffers() {}

  /** How a test hands a buffer to the kernels. */
  enum Kind { HEAP, DIRECT, DIRECT_BIG_ENDIAN, HEAP_OFFSET }

  static FloatBuffer floats(float[] x, Kind kind) {
    switch (kind) {
      case HEAP:
        return FloatBuffer.wrap(x);
      case HEAP_OFFSET: {
        // An array-backed buffer whose position and array offset are not zero.
        float[] big = new float[x.length + 7];
        System.arraycopy(x, 0, big, 5, x.length);
        FloatBuffer b = FloatBuffer.wrap(big, 2, x.length + 5).slice();
        b.position(3);
        return b;
      }
      case DIRECT_BIG_ENDIAN: {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * x.length + 12).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
        b.position(3);
        b.put(x);
        b.position(3);
        return b;
      }
      default: {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * x.length + 8).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.position(2);
        b.put(x);
        b.position(2);
        return b;
      }
    }
  }

  static DoubleBuffer doubles(double[] x, Kind kind) {
    switch (kind) {
      case HEAP:
        return DoubleBuffer.wrap(x.clone());
      case HEAP_OFFSET: {
        double[] big = new double[x.length + 7];
        System.arraycopy(x, 0, big, 5, x.length);
        DoubleBuffer b = DoubleBuffer.wrap(big, 2, x.length + 5).slice();
        b.position(3);
        return b;
      }
      case DIRECT_BIG_ENDIAN: {
        DoubleBuffer b = ByteBuffer.allocateDirect(8 * x.length + 24).order(ByteOrder.BIG_ENDIAN).asDoubleBuffer();
        b.position(3);
        b.put(x);
        b.position(3);
        return b;
      }
      default: {
        DoubleBuffer b = ByteBuffer.allocateDirect(8 * x.length + 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
        b.position(1);
        b.put(x);
        b.position(1);
        return b;
      }
    }
  }

  static double[] toArray(DoubleBuffer b, int n) {
    double[] out = new double[n];
    b.get(b.position(), out, 0, n);
    return out;
  }

  static float[] uniform(SplittableRandom r, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  static double[] uniformDoubles(SplittableRandom r, int n, double scale) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = (r.nextDouble() * 2 - 1) * scale;
    }
    return x;
  }
}
