/*
 * Per-thread bodies of the accumulation kernels, shared between the GPU kernels and host emulations of them
 * (tfc_cpu_*_emulation), so that their index arithmetic and order of double additions are tested without a GPU.
 * Each returns the new value of one output element given its current value acc.
 */
#ifndef TRUSTFL_KERNEL_MATH_CUH
#define TRUSTFL_KERNEL_MATH_CUH

#include "noise_math.cuh"

namespace tfc {

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
