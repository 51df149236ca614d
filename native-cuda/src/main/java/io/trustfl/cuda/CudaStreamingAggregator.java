package io.trustfl.cuda;

import io.trustfl.kernels.AbstractStreamingAggregator;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.privacy.ClipMath;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Streaming aggregator whose double-precision sum lives on the device. Each update is copied by the host into one of
 * two pinned staging slots while its norm is computed in the same pass (bit-identical to
 * {@link ClipMath#l2Norm(float[], int, int)}); the host-to-device copy runs on a copy stream and the scaled add on a
 * compute stream, ordered by events, so copying update k+1 overlaps adding update k. The sum and the noise are
 * bit-identical to the Java aggregator's.
 *
 * <p>Synchronization points: {@link #accumulate} waits only until its staging slot is free again (the copy issued
 * two updates earlier has finished); {@link #partialSum}, {@link #merge} and {@link #finish} wait for all queued work.
 * Not thread-safe, as the interface says; {@link #close()} is idempotent and frees the device resources once.
 */
final class CudaStreamingAggregator extends AbstractStreamingAggregator {
  private static final int SLOTS = 2;

  private final int dim;
  private final CudaStream copyStream;
  private final CudaStream computeStream;
  private final DeviceBuffer sum;
  private final PinnedHostBuffer[] staging = new PinnedHostBuffer[SLOTS];
  private final DeviceBuffer[] deviceSlots = new DeviceBuffer[SLOTS];
  private final CudaEvent[] copied = new CudaEvent[SLOTS];
  private final CudaEvent[] added = new CudaEvent[SLOTS];
  private int next;

  CudaStreamingAggregator(int dim, double clipNorm) {
    super(dim, clipNorm);
    this.dim = dim;
    CudaStream cs = null;
    CudaStream ks = null;
    DeviceBuffer s = null;
    try {
      cs = new CudaStream();
      ks = new CudaStream();
      s = DeviceBuffer.ofDoubles(dim);
      s.zero(ks);
      for (int i = 0; i < SLOTS; i++) {
        staging[i] = new PinnedHostBuffer(4L * dim);
        deviceSlots[i] = DeviceBuffer.ofFloats(dim);
        copied[i] = new CudaEvent();
        added[i] = new CudaEvent();
      }
    } catch (RuntimeException e) {
      closeAll(cs, ks, s);
      throw e;
    }
    this.copyStream = cs;
    this.computeStream = ks;
    this.sum = s;
  }

  @Override
  protected double addClipped(FloatBuffer update, double weight, double maxNorm) {
    int slot = next;
    copied[slot].synchronize(); // the staging slot's previous copy to the device has finished
    long pinned = staging[slot].handle();
    double norm;
    if (HostMemory.inPlace(update)) {
      try (FloatPointer p = new FloatPointer(update.slice())) {
        norm = CudaNative.tfc_host_copy_norm(p, 0, pinned, dim);
      }
    } else if (update.hasArray()) {
      norm = CudaNative.tfc_host_copy_norm(update.array(), update.arrayOffset() + update.position(), pinned, dim);
    } else {
      float[] tmp = new float[dim];
      update.get(update.position(), tmp);
      norm = CudaNative.tfc_host_copy_norm(tmp, 0, pinned, dim);
    }
    if (!(norm <= maxNorm)) {
      return norm;
    }
    double scale = weight * clipFactor(norm);
    if (scale != 0.0) {
      next = (slot + 1) % SLOTS;
      copyStream.waitFor(added[slot]); // the device slot's previous add has finished reading it
      staging[slot].copyFloatsTo(deviceSlots[slot], dim, copyStream);
      copied[slot].record(copyStream);
      computeStream.waitFor(copied[slot]);
      CudaRuntime.check(CudaNative.tfc_axpy_f32(scale, deviceSlots[slot].handle(), dim, sum.handle(),
          computeStream.handle()), "axpy kernel");
      added[slot].record(computeStream);
    }
    return norm;
  }

  @Override
  protected void addSumOf(StreamingAggregator other) {
    double[] o = other.partialSum();
    try (DeviceBuffer d = DeviceBuffer.ofDoubles(dim)) {
      d.upload(DoubleBuffer.wrap(o), dim, computeStream);
      CudaRuntime.check(CudaNative.tfc_add_f64(d.handle(), dim, sum.handle(), computeStream.handle()),
          "add kernel");
      computeStream.synchronize(); // d is freed next
    }
  }

  @Override
  protected double[] readSum() {
    return sum.downloadDoubles(dim, computeStream);
  }

  @Override
  protected void addNoise(NoiseKey key, long nonce, double stddev) {
    CudaRuntime.check(CudaNative.tfc_gaussian(key.words(), nonce, 0, dim, stddev, 1, sum.handle(),
        computeStream.handle()), "gaussian kernel");
  }

  @Override
  protected void free() {
    closeAll(copyStream, computeStream, sum);
  }

  /** Closes the given resources, then the slots; streams come first because closing one waits for its work. */
  private void closeAll(AutoCloseable... resources) {
    RuntimeException first = null;
    for (AutoCloseable r : resources) {
      first = closeQuietly(r, first);
    }
    for (int i = 0; i < SLOTS; i++) {
      first = closeQuietly(staging[i], first);
      first = closeQuietly(deviceSlots[i], first);
      first = closeQuietly(copied[i], first);
      first = closeQuietly(added[i], first);
    }
    if (first != null) {
      throw first;
    }
  }

  private static RuntimeException closeQuietly(AutoCloseable r, RuntimeException first) {
    if (r == null) {
      return first;
    }
    try {
      r.close();
    } catch (RuntimeException e) {
      if (first == null) {
        return e;
      }
      first.addSuppressed(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return first;
  }
}
