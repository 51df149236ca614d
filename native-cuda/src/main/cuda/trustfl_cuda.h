/*
 * trustfl_cuda: the C++ API of TrustFL's CUDA kernels, called from Java through the JavaCPP binding
 * (io.trustfl.cuda.CudaNative) and from the native test driver (trustfl_cuda_check.cpp).
 *
 * Conventions:
 *  - Every function returning int returns a cudaError_t value (0 = cudaSuccess); tfc_error_name() names it.
 *  - Device pointers, streams and events are opaque 64-bit handles ("long long"); 0 is the default stream.
 *  - Kernel launches are asynchronous on the given stream; a caller synchronizes explicitly
 *    (tfc_stream_sync / tfc_event_sync) before reading results on the host.
 *  - Only int, long long, double and pointers to them cross this API, so JavaCPP maps it without casts.
 */
#ifndef TRUSTFL_CUDA_H
#define TRUSTFL_CUDA_H

/* ---- device discovery and errors ---- */
/** Number of CUDA devices in *count; an error (e.g. 35, insufficient driver) when no usable driver is present. */
int tfc_device_count(int* count);
/** Name of a cudaError_t value, e.g. "cudaErrorInsufficientDriver". */
const char* tfc_error_name(int code);
/** Description of a cudaError_t value. */
const char* tfc_error_string(int code);
/** Compute capability, global memory (bytes) and multiprocessor count of a device; name in name[0..nameLen). */
int tfc_device_info(int device, int* major, int* minor, long long* totalMem, int* multiprocessors, char* name,
                    int nameLen);
/** Makes a device current for the calling host thread. */
int tfc_set_device(int device);
/** Version of the CUDA runtime linked in (e.g. 13000) and of the driver (0 when no driver is present). */
int tfc_versions(int* runtimeVersion, int* driverVersion);

/* ---- memory, streams, events ---- */
int tfc_malloc(long long bytes, long long* devicePtr);
int tfc_free(long long devicePtr);
/** Page-locked (pinned) host memory, needed for asynchronous host-to-device copies. */
int tfc_host_alloc(long long bytes, long long* hostPtr);
int tfc_host_free(long long hostPtr);
int tfc_memset_async(long long devicePtr, int value, long long bytes, long long stream);
/** Copies between host and device; src/dst "host" are ordinary host pointers (pinned ones give true overlap). */
int tfc_copy_h2d_f32(long long dst, const float* src, long long count, long long stream);
int tfc_copy_h2d_f64(long long dst, const double* src, long long count, long long stream);
int tfc_copy_d2h_f32(float* dst, long long src, long long count, long long stream);
int tfc_copy_d2h_f64(double* dst, long long src, long long count, long long stream);
/** Host-to-device copy from a pinned host handle (from tfc_host_alloc) at a float offset. */
int tfc_copy_pinned_h2d_f32(long long dst, long long pinnedHost, long long count, long long stream);
int tfc_stream_create(long long* stream);
int tfc_stream_destroy(long long stream);
int tfc_stream_sync(long long stream);
int tfc_event_create(long long* event);
int tfc_event_destroy(long long event);
int tfc_event_record(long long event, long long stream);
int tfc_event_sync(long long event);
int tfc_stream_wait_event(long long stream, long long event);
/** Milliseconds between two recorded, completed events (created with timing enabled). */
int tfc_event_elapsed_ms(long long start, long long end, double* ms);

/* ---- kernels (device pointers; asynchronous on stream) ---- */
/** Bytes of device scratch tfc_row_norms needs for batch x dim. */
long long tfc_row_norms_scratch_bytes(int batch, long long dim);
/**
 * L2 norm of each row of a batch x dim float matrix, squares summed in double; NaN for a row with a NaN or
 * infinite element. norms: batch doubles written.
 */
int tfc_row_norms(long long rows, int batch, long long dim, long long scratch, long long norms, long long stream);
/**
 * factors[i] = w_i * min(1, C/norm_i) (w_i = 1 when weights == 0), and 0 for a row whose norm is NaN or whose
 * weight is not finite. Same expression and rounding as io.trustfl.privacy.ClipMath.clipFactor.
 */
int tfc_clip_factors(long long norms, long long weights, int batch, double clipNorm, long long factors,
                     long long stream);
/**
 * sum[j] = sum[j] + Σ_i factors[i] * rows[i][j] in double, rows in increasing i, rows with factor 0 skipped (the
 * same order and rounding as the Java backend). Coalesced: consecutive threads read consecutive columns.
 */
int tfc_weighted_column_sum(long long rows, long long factors, int batch, long long dim, long long sum,
                            long long stream);
/** sum[j] = sum[j] + scale * x[j] (float x, double sum): one client update into the aggregate. */
int tfc_axpy_f32(double scale, long long x, long long dim, long long sum, long long stream);
/** y[j] = y[j] + x[j] for double vectors. */
int tfc_add_f64(long long x, long long dim, long long y, long long stream);
/**
 * Squared per-example gradient norms of a linear layer by the ghost identities (see Kernels.java):
 * activations batch*seq*in floats, outputGrads batch*seq*out floats, squaredNorms batch doubles written.
 */
int tfc_linear_ghost_norms_sq(long long activations, long long outputGrads, int batch, int seq, int in, int out,
                              int bias, long long squaredNorms, long long stream);
/**
 * weightGrad[i][o] += Σ_b f_b Σ_t a[b,t,i] g[b,t,o] (in x out doubles) and, when bias, biasGrad[o] += Σ_b f_b Σ_t
 * g[b,t,o], in the Java backend's order.
 */
int tfc_linear_clipped_sum(long long activations, long long outputGrads, long long factors, int batch, int seq,
                           int in, int out, int bias, long long weightGrad, long long biasGrad, long long stream);
/**
 * Normals with indexes first, first+1, ... (mod 2^64) of the ChaCha20 stream (key, nonce), docs/NOISE.md.
 * add == 0: out[i] = z_i; add != 0: out[i] = out[i] + stddev * z_i. key: 8 little-endian words.
 */
int tfc_gaussian(const int* key, long long nonce, long long first, long long count, double stddev, int add,
                 long long out, long long stream);
/** Plain device reduction: *result (one double on the device) = Σ x[k] for count floats; the bandwidth baseline. */
int tfc_plain_sum_f32(long long x, long long count, long long result, long long stream);

/** Fills count floats with a deterministic pseudo-random pattern in [-scale, scale) (benchmarks and tests). */
int tfc_fill_random_f32(long long x, long long count, long long seed, double scale, long long stream);

/* ---- host-side helpers (CPU, exact) ---- */
/**
 * Copies count floats from src[srcOffset...] to dst (e.g. a pinned staging buffer; 0 for none) and returns their L2
 * norm accumulated in double with eight interleaved partial sums, bit-identical to
 * io.trustfl.privacy.ClipMath.l2Norm; NaN when an element is NaN or infinite.
 */
double tfc_host_copy_norm(const float* src, long long srcOffset, long long dst, long long count);
/** CPU reference of the noise: count normals from index first, docs/NOISE.md, computed on the host. */
void tfc_cpu_normals(const int* key, long long nonce, long long first, long long count, double* out);
/**
 * Runs the noise kernel's per-thread body (tfc::gaussianThread, the code each GPU thread runs) for every thread on
 * the host, same arguments as tfc_gaussian: tests the kernel's index arithmetic where there is no GPU.
 */
void tfc_cpu_gaussian_kernel_emulation(const int* key, long long nonce, long long first, long long count,
                                       double stddev, int add, double* out);
/**
 * The row-norm kernels' per-thread bodies (chunking, float4 or scalar strides, partials added in chunk order) on host
 * pointers; only the block's tree reduction is replaced by a sum in thread order.
 */
void tfc_cpu_row_norms_emulation(const float* rows, int batch, long long dim, double* norms);
/** The ghost-norm kernel's per-thread bodies on host pointers, warp/block reductions replaced by ordered sums. */
void tfc_cpu_ghost_norms_emulation(const float* activations, const float* outputGrads, int batch, int seq, int in,
                                   int out, int bias, double* squaredNorms);
/** The scalar column-sum kernel's per-thread body (tfc::columnSumElement) for every column, on host pointers. */
void tfc_cpu_column_sum_emulation(const float* rows, const double* factors, int batch, long long dim, double* sum);
/** The linear clipped-sum kernels' per-thread bodies for every output element, on host pointers. */
void tfc_cpu_linear_clipped_sum_emulation(const float* activations, const float* outputGrads, const double* factors,
                                          int batch, int seq, int in, int out, int bias, double* weightGrad,
                                          double* biasGrad);

#endif
