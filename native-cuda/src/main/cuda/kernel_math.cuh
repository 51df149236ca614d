/*
 * Per-thread bodies of the accumulation kernels, shared between the GPU kernels and host emulations of them
 * (tfc_cpu_*_emulation), so that their index arithmetic and order of double additions are tested without a GPU.
 * Each returns the new value of one output element given its current value acc.
 */
#ifndef TRUSTFL_KERNEL_MATH_CUH
#define TRUSTFL_KERNEL_MATH_CUH

#include "noise_math.cuh"

namespace tfc {

/** Floats of one row reduced by one block of the row-norm kernel. */
constexpr long long kNormChunk = 16384;

/** Chunks per row of the row-norm kernel. */
TFC_HD long long normChunks(long long dim) { return (dim + kNormChunk - 1) / kNormChunk; }

/**
 * Squares, summed in double, of the elements of chunk c of row `row` that thread tid of nthreads reads: float4
 * strides when dim is a multiple of 4 (rows are then 16-byte aligned), single floats otherwise.
 */
TFC_HD double rowChunkThreadSumSq(const float* rows, long long dim, long long row, long long c, int tid,
                                  int nthreads) {
  long long start = c * kNormChunk;
  long long end = start + kNormChunk < dim ? start + kNormChunk : dim;
  const float* r = rows + row * dim;
  double acc = 0.0;
  if ((dim & 3) == 0) {
#if defined(__CUDA_ARCH__)
    const float4* r4 = reinterpret_cast<const float4*>(r);
#pragma unroll 4
    for (long long j = start / 4 + tid; j < end / 4; j += nthreads) {
      float4 v = __ldg(r4 + j);
      double x = v.x, y = v.y, z = v.z, w = v.w;
      acc += x * x;
      acc += y * y;
      acc += z * z;
      acc += w * w;
    }
#else
    for (long long j = start / 4 + tid; j < end / 4; j += nthreads) {
      double x = r[4 * j], y = r[4 * j + 1], z = r[4 * j + 2], w = r[4 * j + 3];
      acc += x * x;
      acc += y * y;
      acc += z * z;
      acc += w * w;
    }
#endif
  } else {
    for (long long j = start + tid; j < end; j += nthreads) {
      double x = r[j];
      acc += x * x;
    }
  }
  return acc;
}

/** A row's norm from its chunk partials, added in chunk order; NaN when the sum is not finite (ClipMath.l2Norm). */
TFC_HD double rowNormFromPartials(const double* partials, long long row, long long chunks) {
  double s = 0.0;
  for (long long c = 0; c < chunks; c++) s += partials[row * chunks + c];
  return isfinite(s) ? ieeeSqrt(s) : nan("");
}

/** Σ x[k]·y[k] in double over k = lane, lane + lanes, … < n: one lane's share of a strided dot product. */
TFC_HD double dotShare(const float* x, const float* y, int n, int lane, int lanes) {
  double acc = 0.0;
  for (int k = lane; k < n; k += lanes) acc += (double)x[k] * (double)y[k];
  return acc;
}

/** (Σ_t g[t][o])², the bias column o's share of a ghost norm (g is seq × out). */
TFC_HD double biasColumnSq(const float* g, int seq, int out, int o) {
  double gs = 0.0;
  for (int t = 0; t < seq; t++) gs += (double)g[(long long)t * out + o];
  return gs * gs;
}

/** sum[j] + Σ_i factors[i]·rows[i][j], rows in increasing i, factor-0 rows skipped (JavaKernels' order). */
TFC_HD double columnSumElement(long long j, const float* rows, const double* factors, int batch, long long dim,
                               double acc) {
  for (int i = 0; i < batch; i++) {
    double f = factors[i];
    if (f != 0.0) acc += f * (double)rows[(long long)i * dim + j];
  }
  return acc;
}

/** weightGrad[i][o] + Σ_b f_b Σ_t (f_b·a[b,t,i])·g[b,t,o] in JavaKernels.linearClippedSum's order. */
TFC_HD double linearWeightElement(int i, int o, const float* acts, const float* grads, const double* factors,
                                  int batch, int seq, int in, int out, double acc) {
  for (int b = 0; b < batch; b++) {
    double f = factors[b];
    if (f == 0.0) continue;
    for (int s = 0; s < seq; s++) {
      long long bt = (long long)b * seq + s;
      double c = f * (double)acts[bt * in + i];
      acc += c * (double)grads[bt * out + o];
    }
  }
  return acc;
}

/** biasGrad[o] + Σ_b Σ_t f_b·g[b,t,o] in JavaKernels.linearClippedSum's order. */
TFC_HD double linearBiasElement(int o, const float* grads, const double* factors, int batch, int seq, int out,
                                double acc) {
  for (int b = 0; b < batch; b++) {
    double f = factors[b];
    if (f == 0.0) continue;
    for (int s = 0; s < seq; s++) acc += f * (double)grads[((long long)b * seq + s) * out + o];
  }
  return acc;
}

}  // namespace tfc

#endif
