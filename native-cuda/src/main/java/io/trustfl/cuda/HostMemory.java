package io.trustfl.cuda;

import java.nio.Buffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/** Native views of Java buffers: in place for direct native-order buffers, otherwise a staged native copy. */
final class HostMemory {
  private HostMemory() {}

  /** Whether {@code b} can be handed to native code without copying. */
  static boolean inPlace(Buffer b) {
    if (!b.isDirect()) {
      return false;
    }
    if (b instanceof FloatBuffer f) {
      return f.order() == ByteOrder.nativeOrder();
    }
    if (b instanceof DoubleBuffer d) {
      return d.order() == ByteOrder.nativeOrder();
    }
    return false;
  }

  /** A pointer to {@code count} floats of {@code b} from its position (a copy unless {@link #inPlace}). */
  static FloatPointer floats(FloatBuffer b, int count) {
    if (inPlace(b)) {
      return new FloatPointer(b.slice());
    }
    float[] tmp = new float[count];
    b.get(b.position(), tmp);
    return new FloatPointer(tmp);
  }

  /** A pointer to {@code count} doubles of {@code b} from its position (a copy unless {@link #inPlace}). */
  static DoublePointer doubles(DoubleBuffer b, int count) {
    if (inPlace(b)) {
      return new DoublePointer(b.slice());
    }
    double[] tmp = new double[count];
    b.get(b.position(), tmp);
    return new DoublePointer(tmp);
  }
}
