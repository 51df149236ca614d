package io.trustfl.cuda;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A block of device (GPU) memory. Copies are queued on a {@link CudaStream}; a copy into host memory is complete only
 * after an explicit synchronization point ({@link CudaStream#synchronize()} or a {@link CudaEvent}), except for the
 * {@code download} methods, which synchronize the stream before returning because they write to a Java buffer.
 *
 * <p>Host buffers: direct buffers in native byte order are read and written in place; heap buffers and byte-swapped
 * views are staged through a temporary native copy. {@link #close()} frees the memory once (idempotent,
 * thread-safe); any use after it throws {@link IllegalStateException}.
 */
public final class DeviceBuffer implements AutoCloseable {
  private final long handle;
  private final long bytes;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DeviceBuffer(long handle, long bytes) {
    this.handle = handle;
    this.bytes = bytes;
  }

  /**
   * Allocates {@code bytes} of device memory (contents undefined).
   *
   * @param bytes size, ≥ 1
   * @throws CudaException (e.g. cudaErrorMemoryAllocation) when the device cannot provide it
   */
  public static DeviceBuffer allocate(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("bytes must be >= 1, got " + bytes);
    }
    long[] h = new long[1];
    CudaRuntime.check(CudaNative.tfc_malloc(bytes, h), "cudaMalloc(" + bytes + " bytes)");
    return new DeviceBuffer(h[0], bytes);
  }

  /** Allocates room for {@code count} floats. */
  public static DeviceBuffer ofFloats(long count) {
    return allocate(4 * count);
  }

  /** Allocates room for {@code count} doubles. */
  public static DeviceBuffer ofDoubles(long count) {
    return allocate(8 * count);
  }

  /** Size in bytes. */
  public long bytes() {
    return bytes;
  }

  long handle() {
    if (closed.get()) {
      throw new IllegalStateException("this device buffer is closed");
    }
    return handle;
  }

  private void requireRoom(long count, int elementBytes) {
    if (count < 0 || count * elementBytes > bytes) {
      throw new IllegalArgumentException("count must be in [0, " + bytes / elementBytes + "] for this buffer, got "
          + count);
    }
  }

  /** Sets every byte to zero, asynchronously on {@code stream}. */
  public void zero(CudaStream stream) {
    CudaRuntime.check(CudaNative.tfc_memset_async(handle(), 0, bytes, stream.handle()), "cudaMemsetAsync");
  }

  /** Copies {@code count} floats from {@code src} (from its position) to the start of this buffer. */
  public void upload(FloatBuffer src, int count, CudaStream stream) {
    Objects.requireNonNull(src, "src");
    requireRoom(count, 4);
    try (FloatPointer p = HostMemory.floats(src, count)) {
      CudaRuntime.check(CudaNative.tfc_copy_h2d_f32(handle(), p, count, stream.handle()), "cudaMemcpyAsync(H2D)");
      // A staged copy must outlive the asynchronous copy.
      if (!HostMemory.inPlace(src)) {
        stream.synchronize();
      }
    }
  }

  /** Copies {@code count} doubles from {@code src} (from its position) to the start of this buffer. */
  public void upload(DoubleBuffer src, int count, CudaStream stream) {
    Objects.requireNonNull(src, "src");
    requireRoom(count, 8);
    try (DoublePointer p = HostMemory.doubles(src, count)) {
      CudaRuntime.check(CudaNative.tfc_copy_h2d_f64(handle(), p, count, stream.handle()), "cudaMemcpyAsync(H2D)");
      if (!HostMemory.inPlace(src)) {
        stream.synchronize();
      }
    }
  }

  /** Copies the first {@code count} doubles of this buffer into {@code dst} (from its position); synchronizes. */
  public void download(DoubleBuffer dst, int count, CudaStream stream) {
    Objects.requireNonNull(dst, "dst");
    requireRoom(count, 8);
    if (dst.isDirect() && dst.order() == ByteOrder.nativeOrder()) {
      try (DoublePointer p = new DoublePointer(dst.slice())) {
        CudaRuntime.check(CudaNative.tfc_copy_d2h_f64(p, handle(), count, stream.handle()), "cudaMemcpyAsync(D2H)");
        stream.synchronize();
      }
      return;
    }
    dst.put(dst.position(), downloadDoubles(count, stream));
  }

  /** The first {@code count} doubles of this buffer, in a new array; synchronizes. */
  public double[] downloadDoubles(int count, CudaStream stream) {
    requireRoom(count, 8);
    double[] out = new double[count];
    if (count == 0) {
      return out;
    }
    try (DoublePointer p = new DoublePointer(count)) {
      CudaRuntime.check(CudaNative.tfc_copy_d2h_f64(p, handle(), count, stream.handle()), "cudaMemcpyAsync(D2H)");
      stream.synchronize();
      p.get(out);
    }
    return out;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      CudaRuntime.check(CudaNative.tfc_free(handle), "cudaFree");
    }
  }
}
