package io.trustfl.cuda;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A CUDA stream (non-blocking with respect to the legacy default stream). Work queued on one stream runs in order;
 * {@link #synchronize()} is the explicit point where the host waits for it. {@link #close()} waits for queued work
 * and destroys the stream; it is idempotent and thread-safe.
 */
public final class CudaStream implements AutoCloseable {
  private final long handle;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates a stream on the current device.
   *
   * @throws CudaException if the runtime cannot create one
   */
  public CudaStream() {
    long[] h = new long[1];
    CudaRuntime.check(CudaNative.tfc_stream_create(h), "cudaStreamCreateWithFlags");
    handle = h[0];
  }

  long handle() {
    ensureOpen();
    return handle;
  }

  /** Blocks until all work queued on this stream has finished; reports any asynchronous error. */
  public void synchronize() {
    CudaRuntime.check(CudaNative.tfc_stream_sync(handle()), "cudaStreamSynchronize");
  }

  /** Makes later work on this stream wait for {@code event} (no host blocking). */
  public void waitFor(CudaEvent event) {
    CudaRuntime.check(CudaNative.tfc_stream_wait_event(handle(), event.handle()), "cudaStreamWaitEvent");
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this CUDA stream is closed");
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      int sync = CudaNative.tfc_stream_sync(handle);
      int destroy = CudaNative.tfc_stream_destroy(handle);
      CudaRuntime.check(sync, "cudaStreamSynchronize");
      CudaRuntime.check(destroy, "cudaStreamDestroy");
    }
  }
}
