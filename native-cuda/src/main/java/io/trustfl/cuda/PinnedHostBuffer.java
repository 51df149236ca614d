package io.trustfl.cuda;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Page-locked host memory: the staging area from which host-to-device copies run asynchronously (copies from
 * ordinary pageable memory are staged by the driver and cannot overlap with compute). {@link #close()} frees it
 * once (idempotent, thread-safe); use after close throws {@link IllegalStateException}.
 */
public final class PinnedHostBuffer implements AutoCloseable {
  private final long handle;
  private final long bytes;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Allocates {@code bytes} of pinned host memory.
   *
   * @throws CudaException when the driver refuses (e.g. too much locked memory)
   */
  public PinnedHostBuffer(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("bytes must be >= 1, got " + bytes);
    }
    long[] h = new long[1];
    CudaRuntime.check(CudaNative.tfc_host_alloc(bytes, h), "cudaHostAlloc(" + bytes + " bytes)");
    this.handle = h[0];
    this.bytes = bytes;
  }

  /** Size in bytes. */
  public long bytes() {
    return bytes;
  }

  long handle() {
    if (closed.get()) {
      throw new IllegalStateException("this pinned host buffer is closed");
    }
    return handle;
  }

  /** Queues a copy of the first {@code count} floats to the start of {@code dst} on {@code stream}. */
  public void copyFloatsTo(DeviceBuffer dst, long count, CudaStream stream) {
    if (count < 0 || 4 * count > bytes || 4 * count > dst.bytes()) {
      throw new IllegalArgumentException("count must fit both buffers, got " + count);
    }
    CudaRuntime.check(CudaNative.tfc_copy_pinned_h2d_f32(dst.handle(), handle(), count, stream.handle()),
        "cudaMemcpyAsync(pinned H2D)");
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      CudaRuntime.check(CudaNative.tfc_host_free(handle), "cudaFreeHost");
    }
  }
}
