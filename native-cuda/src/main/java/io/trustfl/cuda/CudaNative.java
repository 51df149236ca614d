package io.trustfl.cuda;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.CriticalRegion;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP binding of {@code src/main/cuda/trustfl_cuda.h} (see that header for each function's contract). Loaded
 * only through {@link CudaRuntime}, which probes once and turns every non-zero return into a {@link CudaException}.
 * Handles (device pointers, pinned host pointers, streams, events) are plain {@code long}s here and are owned by
 * {@link DeviceBuffer}, {@link PinnedHostBuffer}, {@link CudaStream} and {@link CudaEvent}.
 *
 * <p>Link order: JavaCPP reverses {@code link}, so dependencies come first and the command line reads
 * {@code -ltrustfl_cuda -lcudart_static -ldl -lrt -lpthread}; cudart is static, so the library needs only the
 * NVIDIA driver at run time.
 */
@Properties(value = @Platform(value = "linux-x86_64", include = "trustfl_cuda.h",
    link = {"pthread", "rt", "dl", "cudart_static", "trustfl_cuda"}))
final class CudaNative {
  private CudaNative() {}

  static native int tfc_device_count(int[] count);

  static native String tfc_error_name(int code);

  static native String tfc_error_string(int code);

  static native int tfc_device_info(int device, int[] major, int[] minor, long[] totalMem, int[] multiprocessors,
      @Cast("char*") byte[] name, int nameLen);

  static native int tfc_set_device(int device);

  static native int tfc_versions(int[] runtimeVersion, int[] driverVersion);

  static native int tfc_malloc(long bytes, long[] devicePtr);

  static native int tfc_free(long devicePtr);

  static native int tfc_host_alloc(long bytes, long[] hostPtr);

  static native int tfc_host_free(long hostPtr);

  static native int tfc_memset_async(long devicePtr, int value, long bytes, long stream);

  static native int tfc_copy_h2d_f32(long dst, FloatPointer src, long count, long stream);

  static native int tfc_copy_h2d_f64(long dst, DoublePointer src, long count, long stream);

  static native int tfc_copy_d2h_f32(FloatPointer dst, long src, long count, long stream);

  static native int tfc_copy_d2h_f64(DoublePointer dst, long src, long count, long stream);

  static native int tfc_copy_pinned_h2d_f32(long dst, long pinnedHost, long count, long stream);

  static native int tfc_stream_create(long[] stream);

  static native int tfc_stream_destroy(long stream);

  static native int tfc_stream_sync(long stream);

  static native int tfc_event_create(long[] event);

  static native int tfc_event_destroy(long event);

  static native int tfc_event_record(long event, long stream);

  static native int tfc_event_sync(long event);

  static native int tfc_stream_wait_event(long stream, long event);

  static native long tfc_row_norms_scratch_bytes(int batch, long dim);

  static native int tfc_row_norms(long rows, int batch, long dim, long scratch, long norms, long stream);

  static native int tfc_clip_factors(long norms, long weights, int batch, double clipNorm, long factors,
      long stream);

  static native int tfc_weighted_column_sum(long rows, long factors, int batch, long dim, long sum, long stream);

  static native int tfc_axpy_f32(double scale, long x, long dim, long sum, long stream);

  static native int tfc_add_f64(long x, long dim, long y, long stream);

  static native int tfc_linear_ghost_norms_sq(long activations, long outputGrads, int batch, int seq, int in,
      int out, int bias, long squaredNorms, long stream);

  static native int tfc_linear_clipped_sum(long activations, long outputGrads, long factors, int batch, int seq,
      int in, int out, int bias, long weightGrad, long biasGrad, long stream);

  static native int tfc_gaussian(int[] key, long nonce, long first, long count, double stddev, int add, long out,
      long stream);

  static native double tfc_host_copy_norm(FloatPointer src, long srcOffset, long dst, long count);

  @CriticalRegion
  static native double tfc_host_copy_norm(float[] src, long srcOffset, long dst, long count);

  static native void tfc_cpu_normals(int[] key, long nonce, long first, long count, double[] out);

  static native void tfc_cpu_normals(int[] key, long nonce, long first, long count, DoublePointer out);

  static native void tfc_cpu_row_norms_emulation(float[] rows, int batch, long dim, double[] norms);

  static native void tfc_cpu_ghost_norms_emulation(float[] activations, float[] outputGrads, int batch, int seq,
      int in, int out, int bias, double[] squaredNorms);

  static native void tfc_cpu_column_sum_emulation(float[] rows, double[] factors, int batch, long dim, double[] sum);

  static native void tfc_cpu_linear_clipped_sum_emulation(float[] activations, float[] outputGrads, double[] factors,
      int batch, int seq, int in, int out, int bias, double[] weightGrad, double[] biasGrad);

  static native void tfc_cpu_gaussian_kernel_emulation(int[] key, long nonce, long first, long count, double stddev,
      int add, double[] out);
}
