package io.trustfl.cuda;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A CUDA event: a marker recorded on a stream, used to order work between streams
 * ({@link CudaStream#waitFor}) and as an explicit host synchronization point ({@link #synchronize()}).
 * {@link #close()} is idempotent and thread-safe.
 */
public final class CudaEvent implements AutoCloseable {
  private final long handle;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Creates an event on the current device. */
  public CudaEvent() {
    long[] h = new long[1];
    CudaRuntime.check(CudaNative.tfc_event_create(h), "cudaEventCreate");
    handle = h[0];
  }

  long handle() {
    if (closed.get()) {
      throw new IllegalStateException("this CUDA event is closed");
    }
    return handle;
  }

  /** Records the event at the current end of {@code stream}'s queue. */
  public void record(CudaStream stream) {
    CudaRuntime.check(CudaNative.tfc_event_record(handle(), stream.handle()), "cudaEventRecord");
  }

  /** Blocks the host until the work before the last {@link #record} has finished (at once if never recorded). */
  public void synchronize() {
    CudaRuntime.check(CudaNative.tfc_event_sync(handle()), "cudaEventSynchronize");
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      CudaRuntime.check(CudaNative.tfc_event_destroy(handle), "cudaEventDestroy");
    }
  }
}
