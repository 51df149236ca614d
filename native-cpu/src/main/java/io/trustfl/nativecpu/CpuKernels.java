package io.trustfl.nativecpu;

import io.trustfl.kernels.ClipResult;
import io.trustfl.kernels.ClipTally;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.KernelChecks;
import io.trustfl.kernels.Kernels;
import io.trustfl.kernels.LinearShape;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.nativecpu.internal.NativeCpu;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The "cpu" kernel backend: C++17 kernels (multi-threaded, AVX-512/AVX2/SSE2 chosen at run time) with the results of
 * {@link JavaKernels}. Clip-and-accumulate reads each row from main memory once; noise is bit-identical to
 * {@code io.trustfl.privacy.ChaChaGaussian} ({@code docs/NOISE.md}).
 *
 * <p><b>Memory.</b> Direct buffers in native byte order are used in place; heap buffers and direct buffers in the
 * other byte order are copied (and copied back for outputs). Use direct buffers for large data.
 *
 * <p><b>Threads.</b> Each instance owns a native thread pool of {@link #threads()} threads (the calling thread
 * counts as one). Thread-safe: concurrent calls are allowed and take turns on the pool. {@link #close()} waits for
 * running calls, frees the pool and is idempotent; any call after it throws {@link IllegalStateException}.
 */
public final class CpuKernels implements Kernels {
  /** System property with the pool size; unset or 0 means the machine's hardware threads. */
  public static final String THREADS_PROPERTY = "trustfl.cpu.threads";

  /** System property forcing the clip kernel's row tile (rows kept in cache between norm and scaling); for tuning. */
  public static final String TILE_ROWS_PROPERTY = "trustfl.cpu.tileRows";

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final int threads;
  private long ctx;

  private CpuKernels(int threads, int tileRows) {
    this.ctx = NativeCpu.tfl_ctx_create(threads, tileRows);
    this.threads = NativeCpu.tfl_ctx_threads(ctx);
  }

  /**
   * Opens the backend with a pool of {@code threads} threads.
   *
   * @param threads pool size ≥ 1, or 0 for the machine's hardware threads
   * @throws IllegalArgumentException if {@code threads} is negative
   * @throws UnsatisfiedLinkError if the native library cannot be loaded (check
   *     {@link CpuKernelProvider#unavailableReason()} first)
   */
  public static CpuKernels open(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0 (0 = one per hardware thread), got " + threads);
    }
    return new CpuKernels(threads, intProperty(TILE_ROWS_PROPERTY, 0));
  }

  /** Opens the backend with the pool size from {@value #THREADS_PROPERTY} (default: hardware threads). */
  public static CpuKernels open() {
    return open(intProperty(THREADS_PROPERTY, 0));
  }

  private static int intProperty(String name, int dflt) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 0) {
        throw new IllegalArgumentException(name + " must be >= 0, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer >= 0, got '" + v + "'", e);
    }
  }

  /** The instruction set run-time dispatch picked on this CPU, e.g. "x86-64-v4 (AVX-512)". */
  public static String instructionSet() {
    return NativeCpu.tfl_isa();
  }

  /** Threads in this instance's pool. */
  public int threads() {
    return threads;
  }

  @Override
  public String name() {
    return "cpu";
  }

  /** Takes the read lock and returns the live context; the caller must {@link #release()} it. */
  long acquire() {
    lock.readLock().lock();
    if (ctx == 0) {
      lock.readLock().unlock();
      throw new IllegalStateException("the cpu kernel backend is closed");
    }
    return ctx;
  }

  void release() {
    lock.readLock().unlock();
  }

  @Override
  public ClipResult clipAndAccumulate(FloatBuffer rows, int batch, int dim, FloatBuffer weights, double clipNorm,
      DoubleBuffer sum, DoubleBuffer norms) {
    long c = acquire();
    try {
      KernelChecks.clipArgs(rows, batch, dim, weights, clipNorm, sum, norms);
      if (weights != null) {
        // Bad weights throw before anything is added, as in the Java backend.
        int wp = weights.position();
        for (int i = 0; i < batch; i++) {
          double w = weights.get(wp + i);
          if (w < 0) {
            throw new IllegalArgumentException("weights must be >= 0, got " + w + " at row " + i);
          }
        }
      }
      FloatBuffer r = NativeBuffers.in(rows, batch * dim);
      FloatBuffer w = NativeBuffers.in(weights, batch);
      DoubleBuffer s = NativeBuffers.out(sum, dim, true);
      DoubleBuffer n = norms == null ? NativeBuffers.scratchDoubles(batch) : NativeBuffers.out(norms, batch, false);
      NativeCpu.tfl_clip_accumulate(c, r, batch, dim, w, clipNorm, s, n);
      NativeBuffers.copyBack(sum, s, dim);
      NativeBuffers.copyBack(norms, n, batch);
      return summarize(n, weights, batch, clipNorm);
    } finally {
      release();
    }
  }

  /** The ClipResult from the norms the kernel wrote, by the rule the kernel applied (ClipTally's). */
  private static ClipResult summarize(DoubleBuffer norms, FloatBuffer weights, int batch, double clipNorm) {
    int np = norms.position();
    int wp = weights == null ? 0 : weights.position();
    ClipTally tally = new ClipTally(batch, clipNorm, null);
    for (int i = 0; i < batch; i++) {
      tally.row(i, norms.get(np + i), weights == null ? 1.0 : weights.get(wp + i));
    }
    return tally.result();
  }

  @Override
  public void linearGhostNormsSquared(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads,
      DoubleBuffer squaredNorms) {
    long c = acquire();
    try {
      KernelChecks.linearGhostArgs(shape, activations, outputGrads, squaredNorms);
      FloatBuffer a = NativeBuffers.in(activations, shape.activationCount());
      FloatBuffer g = NativeBuffers.in(outputGrads, shape.outputGradCount());
      DoubleBuffer out = NativeBuffers.out(squaredNorms, shape.batch(), false);
      NativeCpu.tfl_linear_ghost_norms_sq(c, a, g, shape.batch(), shape.seq(), shape.in(), shape.out(),
          shape.bias() ? 1 : 0, out);
      NativeBuffers.copyBack(squaredNorms, out, shape.batch());
    } finally {
      release();
    }
  }

  @Override
  public void linearClippedSum(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads,
      DoubleBuffer factors, DoubleBuffer weightGrad, DoubleBuffer biasGrad) {
    long c = acquire();
    try {
      int wn = KernelChecks.linearClippedSumArgs(shape, activations, outputGrads, factors, weightGrad, biasGrad);
      int fp = factors.position();
      for (int b = 0; b < shape.batch(); b++) {
        if (!Double.isFinite(factors.get(fp + b))) {
          // Invalid input: let the reference produce exactly its error (and its partial effect).
          try (JavaKernels reference = new JavaKernels()) {
            reference.linearClippedSum(shape, activations, outputGrads, factors, weightGrad, biasGrad);
          }
          throw new AssertionError("the Java backend accepted a non-finite factor");
        }
      }
      FloatBuffer a = NativeBuffers.in(activations, shape.activationCount());
      FloatBuffer g = NativeBuffers.in(outputGrads, shape.outputGradCount());
      DoubleBuffer f = NativeBuffers.in(factors, shape.batch());
      DoubleBuffer wg = NativeBuffers.out(weightGrad, wn, true);
      DoubleBuffer bg = shape.bias() ? NativeBuffers.out(biasGrad, shape.out(), true) : null;
      NativeCpu.tfl_linear_clipped_sum(c, a, g, shape.batch(), shape.seq(), shape.in(), shape.out(),
          shape.bias() ? 1 : 0, f, wg, bg);
      NativeBuffers.copyBack(weightGrad, wg, wn);
      if (shape.bias()) {
        NativeBuffers.copyBack(biasGrad, bg, shape.out());
      }
    } finally {
      release();
    }
  }

  @Override
  public void gaussian(NoiseKey key, long nonce, long firstIndex, DoubleBuffer out) {
    long c = acquire();
    try {
      Objects.requireNonNull(key, "key");
      int n = out.remaining();
      if (n == 0) {
        return;
      }
      DoubleBuffer o = NativeBuffers.out(out, n, false);
      NativeCpu.tfl_gaussian(c, key.words(), nonce, firstIndex, o, n, 1.0, 0);
      NativeBuffers.copyBack(out, o, n);
    } finally {
      release();
    }
  }

  @Override
  public void addGaussian(NoiseKey key, long nonce, long firstIndex, double stddev, DoubleBuffer target) {
    long c = acquire();
    try {
      Objects.requireNonNull(key, "key");
      KernelChecks.stddev(stddev);
      int n = target.remaining();
      if (n == 0) {
        return;
      }
      DoubleBuffer t = NativeBuffers.out(target, n, true);
      NativeCpu.tfl_gaussian(c, key.words(), nonce, firstIndex, t, n, stddev, 1);
      NativeBuffers.copyBack(target, t, n);
    } finally {
      release();
    }
  }

  @Override
  public StreamingAggregator newAggregator(int dim, double clipNorm) {
    acquire();
    try {
      return new CpuStreamingAggregator(this, dim, clipNorm);
    } finally {
      release();
    }
  }

  /**
   * The double sum of {@code n} floats from {@code x}'s position, read once by all pool threads: the
   * memory-bandwidth baseline that the benchmarks compare clip-and-accumulate against.
   *
   * @param x a direct buffer in native byte order with at least {@code n} floats remaining
   * @param n number of floats ≥ 0
   * @throws IllegalArgumentException if {@code x} is not direct and native-order, or too short
   */
  public double streamingSum(FloatBuffer x, long n) {
    long c = acquire();
    try {
      Objects.requireNonNull(x, "x");
      if (!NativeBuffers.usable(x, x.order())) {
        throw new IllegalArgumentException("x must be a direct buffer in native byte order");
      }
      if (n < 0 || x.remaining() < n) {
        throw new IllegalArgumentException("n must be in [0, x.remaining()=" + x.remaining() + "], got " + n);
      }
      return NativeCpu.tfl_sum(c, x, n);
    } finally {
      release();
    }
  }

  /**
   * A native call that does nothing but return its argument (through the same lock as every kernel): the fixed
   * cost of one kernel call, for the benchmarks.
   */
  public long noop(long x) {
    long c = acquire();
    try {
      return NativeCpu.tfl_noop(x + c - c);
    } finally {
      release();
    }
  }

  /** Waits for running calls, frees the native pool; idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (ctx != 0) {
        NativeCpu.tfl_ctx_destroy(ctx);
        ctx = 0;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "CpuKernels[threads=" + threads + ", isa=" + instructionSet() + "]";
  }
}
