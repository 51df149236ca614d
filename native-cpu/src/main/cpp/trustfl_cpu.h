// TrustFL native CPU kernels: the C++ side of io.trustfl.nativecpu (bound with JavaCPP).
//
// Every function takes a context handle made by tfl_ctx_create (a thread pool plus cache sizes). Pointers are raw
// host memory owned by the caller; nothing is retained after a call returns. Arguments are validated on the Java
// side; these functions assume valid shapes and non-null buffers where required.
//
// Semantics are those of io.trustfl.kernels.Kernels (sdk-java) and docs/NOISE.md; see the Java binding
// io.trustfl.nativecpu.internal.NativeCpu for the per-function contract.
#ifndef TRUSTFL_CPU_H
#define TRUSTFL_CPU_H

#include <cstdint>

// Context: a pool of `threads` threads (the caller counts as one); threads <= 0 means the machine's hardware
// concurrency. tileRows <= 0 picks the clip kernel's row tile from the cache sizes.
long long tfl_ctx_create(int threads, int tileRows);
void tfl_ctx_destroy(long long ctx);
int tfl_ctx_threads(long long ctx);

// The instruction set the runtime dispatch picked on this CPU ("x86-64-v4 (AVX-512)", "x86-64-v3 (AVX2)",
// "x86-64 (SSE2)").
const char* tfl_isa();

// Returns its argument: a native call that does nothing, for measuring JNI overhead.
long long tfl_noop(long long x);

// Clip-and-accumulate. Writes ||row_i|| (NaN when the row has a NaN/Inf element) to norms[i] for every row and adds
// w_i * min(1, clip/||row_i||) * row_i to sum for the accepted rows (finite norm and finite weight). weights may be
// null (all ones). Returns the number of accepted rows.
int tfl_clip_accumulate(long long ctx, const float* rows, int batch, int dim, const float* weights, double clip,
    double* sum, double* norms);

// Streaming read-reduce: the double sum of n floats (the memory-bandwidth baseline).
double tfl_sum(long long ctx, const float* x, long long n);

// Ghost norms of a linear layer (squared), one per example; see Kernels#linearGhostNormsSquared.
void tfl_linear_ghost_norms_sq(long long ctx, const float* act, const float* grad, int batch, int seq, int in, int out,
    int bias, double* squaredNorms);

// Clipped gradient sum of a linear layer; factors must be finite. See Kernels#linearClippedSum.
void tfl_linear_clipped_sum(long long ctx, const float* act, const float* grad, int batch, int seq, int in, int out,
    int bias, const double* factors, double* weightGrad, double* biasGrad);

// ChaCha20 normals with indexes first, first+1, ... (mod 2^64): add == 0 writes them to out[0..n); add != 0 computes
// out[i] = out[i] + (stddev * z_i). key: the 8 little-endian key words.
void tfl_gaussian(long long ctx, const int32_t* key, long long nonce, long long first, double* out, long long n,
    double stddev, int add);

// Test hook: out[i] = f(x[i]) for the vector versions used by the noise, f = log (which 0, x in [2^-53, 1]),
// __kernel_sin (1) or __kernel_cos (2) (|x| <= pi/4).
void tfl_test_elementary(int which, const double* x, double* out, long long n);

// Copies the n floats at src + srcOffset to dst and returns their L2 norm in double (NaN when an element is NaN/Inf),
// reading them once: the staging step of the blocked streaming aggregator.
double tfl_copy_norm(const float* src, long long srcOffset, float* dst, long long n);

// sum[j] += scales[0]*rows[j], then += scales[1]*rows[n+j], ... for rn rows of n floats stored one after another
// (row order kept, each product and sum rounded separately, as in Java): the blocked aggregator's flush.
void tfl_scale_add_rows(long long ctx, const float* rows, int rn, long long n, const double* scales, double* sum);

// y[i] += x[i] for n doubles (merging aggregators).
void tfl_add(long long ctx, double* y, const double* x, long long n);

#endif
