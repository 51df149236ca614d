package io.trustfl.nativecpu.internal;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.CriticalRegion;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code src/main/cpp/trustfl_cpu.h} (the contract of each function is stated there). Buffers
 * passed here must be direct and in native byte order; the caller ({@code CpuKernels}) validates every argument
 * first, because the native side trusts its input. Loading the class loads the library and throws
 * {@link UnsatisfiedLinkError} when it cannot be loaded on this platform.
 */
@Platform(value = "linux-x86_64", include = "trustfl_cpu.h", link = "trustflcpu", compiler = "cpp17")
public final class NativeCpu {
  static {
    Loader.load();
  }

  private NativeCpu() {}

  /** Creates a context (thread pool); see {@code tfl_ctx_create}. */
  public static native long tfl_ctx_create(int threads, int tileRows);

  /** Destroys a context. */
  public static native void tfl_ctx_destroy(long ctx);

  /** Threads of a context's pool. */
  public static native int tfl_ctx_threads(long ctx);

  /** The instruction set picked by run-time dispatch. */
  public static native @Cast("const char*") String tfl_isa();

  /** Returns its argument; measures the cost of a JNI call. */
  public static native long tfl_noop(long x);

  /** Clip-and-accumulate; returns the number of accepted rows. */
  public static native int tfl_clip_accumulate(long ctx, @Cast("const float*") FloatBuffer rows, int batch, int dim,
      @Cast("const float*") FloatBuffer weights, double clip, DoubleBuffer sum, DoubleBuffer norms);

  /** Streaming read-reduce of {@code n} floats. */
  public static native double tfl_sum(long ctx, @Cast("const float*") FloatBuffer x, long n);

  /** Squared ghost norms of a linear layer. */
  public static native void tfl_linear_ghost_norms_sq(long ctx, @Cast("const float*") FloatBuffer act,
      @Cast("const float*") FloatBuffer grad, int batch, int seq, int in, int out, int bias, DoubleBuffer squaredNorms);

  /** Clipped gradient sum of a linear layer. */
  public static native void tfl_linear_clipped_sum(long ctx, @Cast("const float*") FloatBuffer act,
      @Cast("const float*") FloatBuffer grad, int batch, int seq, int in, int out, int bias,
      @Cast("const double*") DoubleBuffer factors, DoubleBuffer weightGrad, DoubleBuffer biasGrad);

  /** ChaCha20 normals (add == 0) or {@code out += stddev * z} (add != 0). */
  public static native void tfl_gaussian(long ctx, @Cast("const int32_t*") int[] key, long nonce, long first,
      DoubleBuffer out, long n, double stddev, int add);

  /** Test hook: the noise's vector log (0), sine kernel (1) or cosine kernel (2) on {@code n} arguments. */
  public static native void tfl_test_elementary(int which, @Cast("const double*") DoubleBuffer x, DoubleBuffer out,
      long n);

  /** Copies {@code n} floats into {@code dst} and returns their norm (NaN when one is not finite). */
  public static native double tfl_copy_norm(@Cast("const float*") FloatBuffer src, long srcOffset, FloatBuffer dst,
      long n);

  /**
   * As above from a Java array, read in place inside a JNI critical region (no copy; the call is short and does not
   * call back into Java).
   */
  @CriticalRegion
  public static native double tfl_copy_norm(@Cast("const float*") float[] src, long srcOffset, FloatBuffer dst,
      long n);

  /** {@code sum += Σ_r scales[r]·rows[r]} for {@code rn} rows of {@code n} floats stored one after another. */
  public static native void tfl_scale_add_rows(long ctx, @Cast("const float*") FloatBuffer rows, int rn, long n,
      @Cast("const double*") DoubleBuffer scales, DoubleBuffer sum);

  /** {@code y += x} for {@code n} doubles. */
  public static native void tfl_add(long ctx, DoubleBuffer y, @Cast("const double*") DoubleBuffer x, long n);
}
