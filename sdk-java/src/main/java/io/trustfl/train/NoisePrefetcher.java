package io.trustfl.train;

import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.NoiseKey;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The noise-and-divide part of a DP-SGD step: {@code (clippedSum + N(0, stddev²)) / expectedBatch} per coordinate,
 * the noise being the kernel backend's ChaCha20 Gaussian stream for one run key, the step's nonce and coordinate
 * indexes 0…D−1 in parameter order (docs/NOISE.md) — exactly what {@code Kernels.addGaussian} adds to the
 * flattened sum, bit for bit.
 *
 * <p>The noise does not depend on the data, so in {@link Mode#BACKGROUND} it is generated ahead of time
 * (the eDP-SGD idea; Opacus-style pipelines do the same): while step {@code t}'s gradient graph runs, a worker
 * thread fills step {@code t+1}'s noise vector, and the step itself only adds a ready vector. Noise is generated only
 * for nonces the caller has {@linkplain #permitUpTo permitted} (the trainer permits an epoch's steps once they are
 * recorded with the privacy ledger), so nothing is computed for a step that will not run; a nonce asked for out of
 * order is generated synchronously. The values are the same in both modes: each (key, nonce, index) maps to one
 * normal, and each nonce is used for one step only (the caller's duty, as before).
 *
 * <p>Memory: one D-length double vector ({@link Mode#SYNCHRONOUS}) or two (background), as heap arrays that the
 * step adds with a plain array loop; native backends generate into a direct native-order buffer of the same size
 * (zero-copy for them), copied to the array by the generating thread.
 *
 * <p>Not thread-safe (one training loop); {@link #close()} is idempotent and thread-safe, waits for a running
 * generation to finish (so the caller may close the kernel backend afterwards) and stops the worker thread; use after
 * close throws {@link IllegalStateException}. The kernel backend is the caller's and is not closed here.
 */
public final class NoisePrefetcher implements AutoCloseable {
  /** System property choosing the trainer's mode: {@code true} (background) or {@code false} (synchronous). */
  public static final String PREFETCH_PROPERTY = "trustfl.train.noisePrefetch";

  /** Where the noise of a step is generated. */
  public enum Mode {
    /** Inside {@link #noisedMean}, on the caller's thread. */
    SYNCHRONOUS,
    /** Ahead of time on one worker thread, overlapping the caller's gradient computation. */
    BACKGROUND;

    /**
     * The mode from {@value #PREFETCH_PROPERTY}; without it, {@link #BACKGROUND} when the JVM sees more than one
     * processor, else {@link #SYNCHRONOUS} (a worker thread cannot overlap anything on one core).
     *
     * @throws IllegalArgumentException if the property is neither {@code true} nor {@code false}
     */
    public static Mode fromSystemProperty() {
      String v = System.getProperty(PREFETCH_PROPERTY);
      if (v == null) {
        return Runtime.getRuntime().availableProcessors() > 1 ? BACKGROUND : SYNCHRONOUS;
      }
      return switch (v.trim()) {
        case "true" -> BACKGROUND;
        case "false" -> SYNCHRONOUS;
        default -> throw new IllegalArgumentException(PREFETCH_PROPERTY + " must be true or false, got '" + v + "'");
      };
    }
  }

  private final Kernels kernels;
  private final NoiseKey key;
  private final double stddev;
  private final int[] sizes;
  private final int dimension;
  private final Mode mode;
  private final DoubleBuffer[] buffers;
  /** The noise as heap arrays (the buffers' own arrays for the pure-Java backend, copies otherwise). */
  private final double[][] noise;
  private final ThreadPoolExecutor worker;

  private Future<?> pending;
  private long pendingNonce = -1;
  private int pendingBuffer = -1;
  /** Nonces below this may be generated ahead (exclusive). */
  private long permitted;
  /** The nonce expected next: the last one used plus one. */
  private long nextNonce;
  private volatile boolean closed;

  /**
   * Noise for parameters laid out like {@code layout}.
   *
   * @param kernels the kernel backend drawing the ChaCha20 normals; not closed here
   * @param key the run's secret noise key
   * @param stddev the noise standard deviation σ·C per coordinate, finite and ≥ 0
   * @param layout parameters whose tensor sizes, in order, define the coordinate indexes 0…D−1
   * @param mode synchronous or background generation
   * @throws IllegalArgumentException for a bad {@code stddev}
   */
  public NoisePrefetcher(Kernels kernels, NoiseKey key, double stddev, Params layout, Mode mode) {
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.key = Objects.requireNonNull(key, "key");
    Objects.requireNonNull(layout, "layout");
    this.mode = Objects.requireNonNull(mode, "mode");
    if (!(stddev >= 0) || Double.isInfinite(stddev)) {
      throw new IllegalArgumentException("stddev must be finite and >= 0, got " + stddev);
    }
    this.stddev = stddev;
    this.sizes = new int[layout.count()];
    long total = 0;
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = layout.size(i);
      total += sizes[i];
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("parameters must have fewer than 2^31 - 8 coordinates, got " + total);
    }
    this.dimension = (int) total;
    boolean heap = kernels instanceof JavaKernels;
    this.buffers = new DoubleBuffer[mode == Mode.BACKGROUND ? 2 : 1];
    this.noise = new double[buffers.length][];
    for (int i = 0; i < buffers.length; i++) {
      noise[i] = new double[dimension];
      buffers[i] = heap ? DoubleBuffer.wrap(noise[i])
          : ByteBuffer.allocateDirect(dimension * Double.BYTES).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }
    if (mode == Mode.BACKGROUND) {
      // One daemon thread; it also exits after 5 s idle, so a caller that dies without close() leaks no thread.
      worker = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "trustfl-noise-prefetch");
        t.setDaemon(true);
        return t;
      });
      worker.allowCoreThreadTimeOut(true);
    } else {
      worker = null;
    }
  }

  /** The generation mode. */
  public Mode mode() {
    return mode;
  }

  /** Number of coordinates D. */
  public int dimension() {
    return dimension;
  }

  /**
   * Allows noise for nonces below {@code endNonce} to be generated ahead of time, and (in background mode) starts
   * generating the next expected nonce if it is now permitted. Never lowers an earlier permit.
   *
   * @param endNonce exclusive bound, ≥ 0
   * @throws IllegalArgumentException if {@code endNonce} is negative
   */
  public void permitUpTo(long endNonce) {
    ensureOpen();
    if (endNonce < 0) {
      throw new IllegalArgumentException("endNonce must be >= 0, got " + endNonce);
    }
    permitted = Math.max(permitted, endNonce);
    if (pending == null) {
      prefetch(nextNonce, 0);
    }
  }

  /**
   * The noised mean of one step: {@code (clippedSum[t][j] + stddev·z_k) / expectedBatch} with {@code z_k} the normal
   * at index {@code k} (the flattened position of {@code [t][j]}) for this nonce, written over {@code clippedSum}
   * (no allocation on the step's critical path). Equal, bit for bit, to
   * {@code Kernels.addGaussian(key, nonce, 0, stddev, flat)} on the flattened sum followed by multiplication with
   * {@code 1/expectedBatch}.
   *
   * @param clippedSum the sum of clipped per-example gradients, one array per tensor in layout order; overwritten
   * @param nonce the step's nonce, ≥ 0; each nonce must be used for one step only
   * @param expectedBatch the expected batch size q·N, finite and &gt; 0
   * @return {@code clippedSum}, now holding the noised mean
   * @throws IllegalArgumentException for a sum that does not match the layout or bad arguments
   */
  public double[][] noisedMean(double[][] clippedSum, long nonce, double expectedBatch) {
    ensureOpen();
    Objects.requireNonNull(clippedSum, "clippedSum");
    if (clippedSum.length != sizes.length) {
      throw new IllegalArgumentException("clippedSum must have " + sizes.length + " tensors, got "
          + clippedSum.length);
    }
    for (int t = 0; t < sizes.length; t++) {
      if (clippedSum[t] == null || clippedSum[t].length != sizes[t]) {
        throw new IllegalArgumentException("clippedSum tensor " + t + " must have " + sizes[t] + " elements, got "
            + (clippedSum[t] == null ? "null" : clippedSum[t].length));
      }
    }
    if (nonce < 0) {
      throw new IllegalArgumentException("nonce must be >= 0, got " + nonce);
    }
    if (!(expectedBatch > 0) || Double.isInfinite(expectedBatch)) {
      throw new IllegalArgumentException("expectedBatch must be finite and > 0, got " + expectedBatch);
    }
    int used;
    if (pending != null) {
      used = pendingBuffer;
      long generated = pendingNonce;
      await(pending);
      pending = null;
      if (generated != nonce) {
        fill(used, nonce);
      }
    } else {
      used = 0;
      fill(used, nonce);
    }
    nextNonce = nonce + 1;
    // Start the next step's noise before this step's add pass, so that the pass overlaps it too.
    prefetch(nextNonce, buffers.length - 1 - used);
    double[] z = noise[used];
    double inv = 1.0 / expectedBatch;
    int k = 0;
    for (int t = 0; t < sizes.length; t++) {
      double[] s = clippedSum[t];
      for (int j = 0; j < s.length; j++) {
        s[j] = (s[j] + z[k + j]) * inv;
      }
      k += s.length;
    }
    return clippedSum;
  }

  private void prefetch(long nonce, int buffer) {
    if (worker == null || nonce >= permitted || nonce < 0) {
      return;
    }
    pendingNonce = nonce;
    pendingBuffer = buffer;
    pending = worker.submit(() -> fill(buffer, nonce));
  }

  /**
   * Writes stddev·z for the nonce into a buffer: −0.0 everywhere, then {@code addGaussian}. −0.0 is the exact
   * additive identity ({@code -0.0 + x == x} for every x, signed zeros included), so adding the buffer later gives
   * the bits that adding the noise to the sum directly gives; a backend that adds nothing leaves −0.0, which adds
   * nothing either.
   */
  private void fill(int buffer, long nonce) {
    double[] z = noise[buffer];
    Arrays.fill(z, -0.0);
    DoubleBuffer b = buffers[buffer].duplicate();
    ((Buffer) b).clear(); // DoubleBuffer.clear() returning DoubleBuffer (Java 9+) is not on Android API 26
    boolean copy = !b.hasArray();
    if (copy) {
      b.put(z);
      ((Buffer) b).clear();
    }
    kernels.addGaussian(key, nonce, 0, stddev, b);
    if (copy) {
      ((Buffer) b).clear();
      b.get(z);
    }
  }

  private static void await(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for DP noise", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("DP noise generation failed", c);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("NoisePrefetcher is closed");
    }
  }

  /** Waits for a running generation (its result is discarded) and stops the worker. Idempotent, thread-safe. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (worker != null) {
      worker.shutdown();
      try {
        if (!worker.awaitTermination(1, TimeUnit.MINUTES)) {
          worker.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    pending = null;
  }
}
