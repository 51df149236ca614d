// TrustFL CUDA kernels: per-row norms, clip factors, weighted column sums, ghost norms and clipped sums of linear
// layers, ChaCha20 Gaussian noise (docs/NOISE.md) and the helpers of the streaming aggregator.
// Built with --fmad=false so that every double expression rounds exactly as in the Java backend.
#include "trustfl_cuda.h"

#include <cuda_runtime.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

#include "kernel_math.cuh"
#include "noise_math.cuh"

namespace {

constexpr int kThreads = 256;

inline cudaStream_t S(long long h) { return reinterpret_cast<cudaStream_t>(static_cast<uintptr_t>(h)); }
inline cudaEvent_t E(long long h) { return reinterpret_cast<cudaEvent_t>(static_cast<uintptr_t>(h)); }
template <typename T>
inline T* P(long long h) { return reinterpret_cast<T*>(static_cast<uintptr_t>(h)); }
inline long long H(const void* p) { return static_cast<long long>(reinterpret_cast<uintptr_t>(p)); }

inline unsigned int blocksFor(long long n, int threads, long long cap = 65535LL * 32) {
  long long b = (n + threads - 1) / threads;
  if (b < 1) b = 1;
  return static_cast<unsigned int>(b > cap ? cap : b);
}

__device__ __forceinline__ double warpSum(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  return v;
}

// Sum over the block; the result is valid in thread 0. blockDim.x must be a multiple of 32 and <= 1024.
__device__ double blockSum(double v) {
  __shared__ double warpTotals[32];
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  v = warpSum(v);
  __syncthreads();  // warpTotals may still be read by a previous call
  if (lane == 0) warpTotals[warp] = v;
  __syncthreads();
  int warps = blockDim.x >> 5;
  double t = 0.0;
  if (warp == 0) {
    t = lane < warps ? warpTotals[lane] : 0.0;
    t = warpSum(t);
  }
  return t;
}

// ---- per-row norms: block (chunk, row) writes a partial sum of squares; a second kernel adds them in order ----
__global__ void rowNormPartials(const float* __restrict__ rows, long long dim, int chunks, double* partials) {
  long long blk = blockIdx.x;
  double acc = tfc::rowChunkThreadSumSq(rows, dim, blk / chunks, blk % chunks, threadIdx.x, blockDim.x);
  double total = blockSum(acc);
  if (threadIdx.x == 0) partials[blk] = total;
}

__global__ void rowNormFinish(const double* partials, int batch, int chunks, double* norms) {
  int row = blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= batch) return;
  norms[row] = tfc::rowNormFromPartials(partials, row, chunks);
}

__global__ void clipFactors(const double* norms, const float* weights, int batch, double clipNorm,
                            double* factors) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= batch) return;
  double n = norms[i];
  double w = weights == nullptr ? 1.0 : (double)weights[i];
  double f = 0.0;
  if (!isnan(n) && isfinite(w)) {
    double cf = n <= clipNorm ? 1.0 : clipNorm / n;  // ClipMath.clipFactor
    f = w * cf;
  }
  factors[i] = f;
}

// ---- weighted column sums: thread j owns columns [4j, 4j+4), walks the rows in order ----
__global__ void columnSum4(const float4* __restrict__ rows, const double* __restrict__ factors, int batch,
                           long long dim4, double* sum) {
  long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= dim4) return;
  double2* s2 = reinterpret_cast<double2*>(sum);
  double2 lo = s2[2 * j], hi = s2[2 * j + 1];
  double a0 = lo.x, a1 = lo.y, a2 = hi.x, a3 = hi.y;
  int i = 0;
  for (; i + 3 < batch; i += 4) {
    float4 v[4];
    double f[4];
#pragma unroll
    for (int k = 0; k < 4; k++) {
      f[k] = __ldg(factors + i + k);
      v[k] = __ldg(rows + (long long)(i + k) * dim4 + j);
    }
#pragma unroll
    for (int k = 0; k < 4; k++) {
      if (f[k] != 0.0) {
        a0 += f[k] * (double)v[k].x;
        a1 += f[k] * (double)v[k].y;
        a2 += f[k] * (double)v[k].z;
        a3 += f[k] * (double)v[k].w;
      }
    }
  }
  for (; i < batch; i++) {
    double f = __ldg(factors + i);
    if (f != 0.0) {
      float4 v = __ldg(rows + (long long)i * dim4 + j);
      a0 += f * (double)v.x;
      a1 += f * (double)v.y;
      a2 += f * (double)v.z;
      a3 += f * (double)v.w;
    }
  }
  s2[2 * j] = make_double2(a0, a1);
  s2[2 * j + 1] = make_double2(a2, a3);
}

__global__ void columnSum1(const float* __restrict__ rows, const double* __restrict__ factors, int batch,
                           long long dim, double* sum) {
  long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= dim) return;
  sum[j] = tfc::columnSumElement(j, rows, factors, batch, dim, sum[j]);
}

__global__ void axpyF32(double scale, const float* __restrict__ x, long long n, double* y) {
  for (long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x; j < n; j += (long long)gridDim.x * blockDim.x) {
    y[j] = y[j] + scale * (double)x[j];
  }
}

__global__ void addF64(const double* __restrict__ x, long long n, double* y) {
  for (long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x; j < n; j += (long long)gridDim.x * blockDim.x) {
    y[j] = y[j] + x[j];
  }
}

// ---- linear layers ----
__global__ void ghostNormsSq(const float* __restrict__ acts, const float* __restrict__ grads, int seq, int in,
                             int out, int bias, double* outSq) {
  long long b = blockIdx.x;
  const float* a = acts + b * seq * in;
  const float* g = grads + b * seq * out;
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  int warps = blockDim.x >> 5;
  double total = 0.0;
  if (seq == 1) {
    double aa = blockSum(tfc::dotShare(a, a, in, threadIdx.x, blockDim.x));
    double gg = blockSum(tfc::dotShare(g, g, out, threadIdx.x, blockDim.x));
    if (threadIdx.x == 0) outSq[b] = gg * aa + (bias ? gg : 0.0);
    return;
  }
  long long pairs = (long long)seq * seq;
  for (long long p = warp; p < pairs; p += warps) {
    int s = (int)(p / seq), r = (int)(p % seq);
    double da = warpSum(tfc::dotShare(a + (long long)s * in, a + (long long)r * in, in, lane, 32));
    double dg = warpSum(tfc::dotShare(g + (long long)s * out, g + (long long)r * out, out, lane, 32));
    if (lane == 0) total += da * dg;
  }
  double biasSq = 0.0;
  if (bias) {
    for (int o = threadIdx.x; o < out; o += blockDim.x) biasSq += tfc::biasColumnSq(g, seq, out, o);
  }
  total = blockSum(total);
  biasSq = blockSum(biasSq);
  if (threadIdx.x == 0) outSq[b] = total + biasSq;
}

__global__ void linearWeightSum(const float* __restrict__ acts, const float* __restrict__ grads,
                                const double* __restrict__ factors, int batch, int seq, int in, int out,
                                double* weightGrad) {
  int o = blockIdx.x * blockDim.x + threadIdx.x;
  int i = blockIdx.y * blockDim.y + threadIdx.y;
  if (o >= out || i >= in) return;
  long long w = (long long)i * out + o;
  weightGrad[w] = tfc::linearWeightElement(i, o, acts, grads, factors, batch, seq, in, out, weightGrad[w]);
}

__global__ void linearBiasSum(const float* __restrict__ grads, const double* __restrict__ factors, int batch,
                              int seq, int out, double* biasGrad) {
  int o = blockIdx.x * blockDim.x + threadIdx.x;
  if (o >= out) return;
  biasGrad[o] = tfc::linearBiasElement(o, grads, factors, batch, seq, out, biasGrad[o]);
}

// ---- noise ----
struct Key {
  uint32_t w[8];
};

__global__ void gaussianKernel(Key key, uint64_t nonce, uint64_t first, long long count, double stddev, int add,
                               double* out) {
  long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= tfc::gaussianThreads(first, count)) return;
  tfc::gaussianThread(t, key.w, nonce, first, count, stddev, add, out);
}

__global__ void plainSum(const float* __restrict__ x, long long n, double* result) {
  double acc = 0.0;
  long long n4 = n / 4;
  const float4* x4 = reinterpret_cast<const float4*>(x);
  long long stride = (long long)gridDim.x * blockDim.x;
  long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
#pragma unroll 4
  for (long long k = j; k < n4; k += stride) {
    float4 v = __ldg(x4 + k);
    acc += (double)v.x + (double)v.y + (double)v.z + (double)v.w;
  }
  for (long long k = n4 * 4 + j; k < n; k += stride) acc += (double)x[k];
  double total = blockSum(acc);
  if (threadIdx.x == 0) atomicAdd(result, total);
}

__global__ void fillRandom(float* x, long long n, uint64_t seed, float scale) {
  for (long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x; j < n; j += (long long)gridDim.x * blockDim.x) {
    uint64_t z = seed + (uint64_t)j * 0x9E3779B97F4A7C15ull;  // splitmix64 finalizer
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    x[j] = scale * ((float)(z >> 40) * 0x1p-23f - 1.0f);
  }
}

inline int lastError() { return (int)cudaGetLastError(); }

}  // namespace

// ================================================================ API

int tfc_device_count(int* count) {
  *count = 0;
  return (int)cudaGetDeviceCount(count);
}

const char* tfc_error_name(int code) { return cudaGetErrorName((cudaError_t)code); }
const char* tfc_error_string(int code) { return cudaGetErrorString((cudaError_t)code); }

int tfc_device_info(int device, int* major, int* minor, long long* totalMem, int* multiprocessors, char* name,
                    int nameLen) {
  cudaDeviceProp p;
  cudaError_t e = cudaGetDeviceProperties(&p, device);
  if (e != cudaSuccess) return (int)e;
  *major = p.major;
  *minor = p.minor;
  *totalMem = (long long)p.totalGlobalMem;
  *multiprocessors = p.multiProcessorCount;
  if (name != nullptr && nameLen > 0) {
    strncpy(name, p.name, (size_t)nameLen - 1);
    name[nameLen - 1] = '\0';
  }
  return 0;
}

int tfc_set_device(int device) { return (int)cudaSetDevice(device); }

int tfc_versions(int* runtimeVersion, int* driverVersion) {
  *runtimeVersion = 0;
  *driverVersion = 0;
  cudaError_t e = cudaRuntimeGetVersion(runtimeVersion);
  if (e != cudaSuccess) return (int)e;
  return (int)cudaDriverGetVersion(driverVersion);
}

int tfc_malloc(long long bytes, long long* devicePtr) {
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, (size_t)(bytes > 0 ? bytes : 1));
  *devicePtr = e == cudaSuccess ? H(p) : 0;
  return (int)e;
}

int tfc_free(long long devicePtr) { return devicePtr == 0 ? 0 : (int)cudaFree(P<void>(devicePtr)); }

int tfc_host_alloc(long long bytes, long long* hostPtr) {
  void* p = nullptr;
  cudaError_t e = cudaHostAlloc(&p, (size_t)(bytes > 0 ? bytes : 1), cudaHostAllocDefault);
  *hostPtr = e == cudaSuccess ? H(p) : 0;
  return (int)e;
}

int tfc_host_free(long long hostPtr) { return hostPtr == 0 ? 0 : (int)cudaFreeHost(P<void>(hostPtr)); }

int tfc_memset_async(long long devicePtr, int value, long long bytes, long long stream) {
  return (int)cudaMemsetAsync(P<void>(devicePtr), value, (size_t)bytes, S(stream));
}

int tfc_copy_h2d_f32(long long dst, const float* src, long long count, long long stream) {
  return (int)cudaMemcpyAsync(P<void>(dst), src, (size_t)count * 4, cudaMemcpyHostToDevice, S(stream));
}
int tfc_copy_h2d_f64(long long dst, const double* src, long long count, long long stream) {
  return (int)cudaMemcpyAsync(P<void>(dst), src, (size_t)count * 8, cudaMemcpyHostToDevice, S(stream));
}
int tfc_copy_d2h_f32(float* dst, long long src, long long count, long long stream) {
  return (int)cudaMemcpyAsync(dst, P<void>(src), (size_t)count * 4, cudaMemcpyDeviceToHost, S(stream));
}
int tfc_copy_d2h_f64(double* dst, long long src, long long count, long long stream) {
  return (int)cudaMemcpyAsync(dst, P<void>(src), (size_t)count * 8, cudaMemcpyDeviceToHost, S(stream));
}
int tfc_copy_pinned_h2d_f32(long long dst, long long pinnedHost, long long count, long long stream) {
  return (int)cudaMemcpyAsync(P<void>(dst), P<void>(pinnedHost), (size_t)count * 4, cudaMemcpyHostToDevice,
                              S(stream));
}

int tfc_stream_create(long long* stream) {
  cudaStream_t s = nullptr;
  cudaError_t e = cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
  *stream = e == cudaSuccess ? H(s) : 0;
  return (int)e;
}
int tfc_stream_destroy(long long stream) { return stream == 0 ? 0 : (int)cudaStreamDestroy(S(stream)); }
int tfc_stream_sync(long long stream) { return (int)cudaStreamSynchronize(S(stream)); }
int tfc_event_create(long long* event) {
  cudaEvent_t ev = nullptr;
  cudaError_t e = cudaEventCreate(&ev);
  *event = e == cudaSuccess ? H(ev) : 0;
  return (int)e;
}
int tfc_event_destroy(long long event) { return event == 0 ? 0 : (int)cudaEventDestroy(E(event)); }
int tfc_event_record(long long event, long long stream) { return (int)cudaEventRecord(E(event), S(stream)); }
int tfc_event_sync(long long event) { return (int)cudaEventSynchronize(E(event)); }
int tfc_stream_wait_event(long long stream, long long event) {
  return (int)cudaStreamWaitEvent(S(stream), E(event), 0);
}
int tfc_event_elapsed_ms(long long start, long long end, double* ms) {
  float f = 0.0f;
  cudaError_t e = cudaEventElapsedTime(&f, E(start), E(end));
  *ms = f;
  return (int)e;
}

long long tfc_row_norms_scratch_bytes(int batch, long long dim) {
  return (long long)batch * tfc::normChunks(dim) * (long long)sizeof(double);
}

int tfc_row_norms(long long rows, int batch, long long dim, long long scratch, long long norms, long long stream) {
  if (batch <= 0 || dim <= 0) return 0;
  int chunks = (int)tfc::normChunks(dim);
  long long blocks = (long long)batch * chunks;
  rowNormPartials<<<(unsigned int)blocks, kThreads, 0, S(stream)>>>(P<const float>(rows), dim, chunks,
                                                                    P<double>(scratch));
  int e = lastError();
  if (e != 0) return e;
  rowNormFinish<<<blocksFor(batch, kThreads), kThreads, 0, S(stream)>>>(P<const double>(scratch), batch, chunks,
                                                                         P<double>(norms));
  return lastError();
}

int tfc_clip_factors(long long norms, long long weights, int batch, double clipNorm, long long factors,
                     long long stream) {
  if (batch <= 0) return 0;
  clipFactors<<<blocksFor(batch, kThreads), kThreads, 0, S(stream)>>>(P<const double>(norms),
                                                                      P<const float>(weights), batch, clipNorm,
                                                                      P<double>(factors));
  return lastError();
}

int tfc_weighted_column_sum(long long rows, long long factors, int batch, long long dim, long long sum,
                            long long stream) {
  if (batch <= 0 || dim <= 0) return 0;
  if ((dim & 3) == 0) {
    long long dim4 = dim / 4;
    columnSum4<<<(unsigned int)((dim4 + kThreads - 1) / kThreads), kThreads, 0, S(stream)>>>(
        P<const float4>(rows), P<const double>(factors), batch, dim4, P<double>(sum));
  } else {
    columnSum1<<<(unsigned int)((dim + kThreads - 1) / kThreads), kThreads, 0, S(stream)>>>(
        P<const float>(rows), P<const double>(factors), batch, dim, P<double>(sum));
  }
  return lastError();
}

int tfc_axpy_f32(double scale, long long x, long long dim, long long sum, long long stream) {
  if (dim <= 0) return 0;
  axpyF32<<<blocksFor(dim, kThreads, 8192), kThreads, 0, S(stream)>>>(scale, P<const float>(x), dim,
                                                                        P<double>(sum));
  return lastError();
}

int tfc_add_f64(long long x, long long dim, long long y, long long stream) {
  if (dim <= 0) return 0;
  addF64<<<blocksFor(dim, kThreads, 8192), kThreads, 0, S(stream)>>>(P<const double>(x), dim, P<double>(y));
  return lastError();
}

int tfc_linear_ghost_norms_sq(long long activations, long long outputGrads, int batch, int seq, int in, int out,
                              int bias, long long squaredNorms, long long stream) {
  if (batch <= 0) return 0;
  ghostNormsSq<<<(unsigned int)batch, kThreads, 0, S(stream)>>>(P<const float>(activations),
                                                               P<const float>(outputGrads), seq, in, out, bias,
                                                               P<double>(squaredNorms));
  return lastError();
}

int tfc_linear_clipped_sum(long long activations, long long outputGrads, long long factors, int batch, int seq,
                           int in, int out, int bias, long long weightGrad, long long biasGrad, long long stream) {
  if (batch <= 0) return 0;
  dim3 block(32, 8);
  dim3 grid((unsigned int)((out + 31) / 32), (unsigned int)((in + 7) / 8));
  linearWeightSum<<<grid, block, 0, S(stream)>>>(P<const float>(activations), P<const float>(outputGrads),
                                                 P<const double>(factors), batch, seq, in, out,
                                                 P<double>(weightGrad));
  int e = lastError();
  if (e != 0 || !bias) return e;
  linearBiasSum<<<blocksFor(out, kThreads), kThreads, 0, S(stream)>>>(P<const float>(outputGrads),
                                                                      P<const double>(factors), batch, seq, out,
                                                                      P<double>(biasGrad));
  return lastError();
}

int tfc_gaussian(const int* key, long long nonce, long long first, long long count, double stddev, int add,
                 long long out, long long stream) {
  if (count <= 0) return 0;
  Key k;
  for (int i = 0; i < 8; i++) k.w[i] = (uint32_t)key[i];
  uint64_t f = (uint64_t)first;
  long long blocks = tfc::gaussianThreads(f, count);
  gaussianKernel<<<(unsigned int)((blocks + 127) / 128), 128, 0, S(stream)>>>(k, (uint64_t)nonce, f, count,
                                                                              stddev, add, P<double>(out));
  return lastError();
}

int tfc_plain_sum_f32(long long x, long long count, long long result, long long stream) {
  cudaError_t e = cudaMemsetAsync(P<void>(result), 0, sizeof(double), S(stream));
  if (e != cudaSuccess) return (int)e;
  if (count <= 0) return 0;
  plainSum<<<blocksFor(count / 4 + 1, kThreads, 4096), kThreads, 0, S(stream)>>>(P<const float>(x), count,
                                                                                  P<double>(result));
  return lastError();
}

int tfc_fill_random_f32(long long x, long long count, long long seed, double scale, long long stream) {
  if (count <= 0) return 0;
  fillRandom<<<blocksFor(count, kThreads, 8192), kThreads, 0, S(stream)>>>(P<float>(x), count, (uint64_t)seed,
                                                                           (float)scale);
  return lastError();
}

double tfc_host_copy_norm(const float* src, long long srcOffset, long long dstHandle, long long count) {
  float* dst = P<float>(dstHandle);
  src += srcOffset;
  // Same eight partial sums, tail and combination order as ClipMath.l2Norm(float[], int, int) (compiled with
  // -ffp-contract=off, so no fused multiply-add): the norm is bit-identical to the Java aggregator's.
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long long i = 0;
  for (; i + 7 < count; i += 8) {
    for (int k = 0; k < 8; k++) {
      float x = src[i + k];
      if (dst != nullptr) dst[i + k] = x;
      double d = x;
      s[k] += d * d;
    }
  }
  for (; i < count; i++) {
    float x = src[i];
    if (dst != nullptr) dst[i] = x;
    double d = x;
    s[0] += d * d;
  }
  double sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  return isfinite(sum) ? sqrt(sum) : nan("");
}

void tfc_cpu_row_norms_emulation(const float* rows, int batch, long long dim, double* norms) {
  long long chunks = tfc::normChunks(dim);
  double* partials = new double[(size_t)(batch * chunks)];
  for (long long row = 0; row < batch; row++)
    for (long long c = 0; c < chunks; c++) {
      double total = 0.0;  // the GPU adds the threads' sums in a tree; here in thread order
      for (int t = 0; t < kThreads; t++) total += tfc::rowChunkThreadSumSq(rows, dim, row, c, t, kThreads);
      partials[row * chunks + c] = total;
    }
  for (long long row = 0; row < batch; row++) norms[row] = tfc::rowNormFromPartials(partials, row, chunks);
  delete[] partials;
}

void tfc_cpu_ghost_norms_emulation(const float* activations, const float* outputGrads, int batch, int seq, int in,
                                   int out, int bias, double* squaredNorms) {
  // The ghost-norm kernel's decomposition, with its warp and block reductions replaced by sums in lane order.
  for (long long b = 0; b < batch; b++) {
    const float* a = activations + b * seq * in;
    const float* g = outputGrads + b * seq * out;
    if (seq == 1) {
      double aa = 0.0, gg = 0.0;
      for (int t = 0; t < kThreads; t++) aa += tfc::dotShare(a, a, in, t, kThreads);
      for (int t = 0; t < kThreads; t++) gg += tfc::dotShare(g, g, out, t, kThreads);
      squaredNorms[b] = gg * aa + (bias ? gg : 0.0);
      continue;
    }
    double total = 0.0;
    for (long long p = 0; p < (long long)seq * seq; p++) {
      int s = (int)(p / seq), r = (int)(p % seq);
      double da = 0.0, dg = 0.0;
      for (int lane = 0; lane < 32; lane++) {
        da += tfc::dotShare(a + (long long)s * in, a + (long long)r * in, in, lane, 32);
        dg += tfc::dotShare(g + (long long)s * out, g + (long long)r * out, out, lane, 32);
      }
      total += da * dg;
    }
    double biasSq = 0.0;
    if (bias)
      for (int o = 0; o < out; o++) biasSq += tfc::biasColumnSq(g, seq, out, o);
    squaredNorms[b] = total + biasSq;
  }
}

void tfc_cpu_column_sum_emulation(const float* rows, const double* factors, int batch, long long dim,
                                   double* sum) {
  for (long long j = dim - 1; j >= 0; j--) sum[j] = tfc::columnSumElement(j, rows, factors, batch, dim, sum[j]);
}

void tfc_cpu_linear_clipped_sum_emulation(const float* activations, const float* outputGrads, const double* factors,
                                          int batch, int seq, int in, int out, int bias, double* weightGrad,
                                          double* biasGrad) {
  for (int i = 0; i < in; i++)
    for (int o = 0; o < out; o++)
      weightGrad[(long long)i * out + o] = tfc::linearWeightElement(i, o, activations, outputGrads, factors, batch,
                                                                    seq, in, out, weightGrad[(long long)i * out + o]);
  if (bias)
    for (int o = 0; o < out; o++)
      biasGrad[o] = tfc::linearBiasElement(o, outputGrads, factors, batch, seq, out, biasGrad[o]);
}

void tfc_cpu_gaussian_kernel_emulation(const int* key, long long nonce, long long first, long long count,
                                       double stddev, int add, double* out) {
  uint32_t k[8];
  for (int i = 0; i < 8; i++) k[i] = (uint32_t)key[i];
  long long threads = tfc::gaussianThreads((uint64_t)first, count);
  // Threads in reverse order: the result must not depend on the order in which GPU threads run.
  for (long long t = threads - 1; t >= 0; t--) {
    tfc::gaussianThread(t, k, (uint64_t)nonce, (uint64_t)first, count, stddev, add, out);
  }
}

void tfc_cpu_normals(const int* key, long long nonce, long long first, long long count, double* out) {
  uint32_t k[8];
  for (int i = 0; i < 8; i++) k[i] = (uint32_t)key[i];
  uint64_t index = (uint64_t)first;
  long long written = 0;
  uint32_t w[16];
  double z[8];
  while (written < count) {
    uint64_t counter = index >> 3;
    int slot = (int)(index & 7);
    tfc::chachaBlock(k, counter, (uint64_t)nonce, w);
    tfc::blockToNormals(w, z);
    long long take = 8 - slot < count - written ? 8 - slot : count - written;
    for (long long s = 0; s < take; s++) out[written + s] = z[slot + s];
    written += take;
    index += (uint64_t)take;
  }
}
