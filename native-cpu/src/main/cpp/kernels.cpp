// Clipping, aggregation and linear-layer kernels. All arithmetic is IEEE binary64 (the library is compiled with
// -ffp-contract=off): norms and sums accumulate float inputs in double, as the Java reference does.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <immintrin.h>
#include <unistd.h>
#include <vector>

#include "pool.h"
#include "simd.h"
#include "trustfl_cpu.h"

using tfl::Context;
using tfl::v8d;

namespace {

// Sum of squares of n floats in double, 32 lanes of partial sums; with Copy, also copies them to dst on the way (the
// aggregator's staging copy: one read of x). Returns +Inf/NaN when an element is Inf/NaN. Inlined into each clone.
template <bool Copy>
TFL_INLINE double sumsqBody(const float* __restrict x, float* __restrict dst, long n) {
  v8d a0 = tfl::splat(0), a1 = a0, a2 = a0, a3 = a0;
  long i = 0;
  for (; i + 32 <= n; i += 32) {
    if (Copy) std::memcpy(dst + i, x + i, 32 * sizeof(float));
    v8d x0 = tfl::load8(x + i), x1 = tfl::load8(x + i + 8), x2 = tfl::load8(x + i + 16), x3 = tfl::load8(x + i + 24);
    a0 += x0 * x0;
    a1 += x1 * x1;
    a2 += x2 * x2;
    a3 += x3 * x3;
  }
  for (; i + 8 <= n; i += 8) {
    if (Copy) std::memcpy(dst + i, x + i, 8 * sizeof(float));
    v8d x0 = tfl::load8(x + i);
    a0 += x0 * x0;
  }
  double s = tfl::hsum((a0 + a1) + (a2 + a3));
  for (; i < n; i++) {
    if (Copy) dst[i] = x[i];
    double v = x[i];
    s += v * v;
  }
  return s;
}

TFL_CLONES double sumsq(const float* x, long n) { return sumsqBody<false>(x, nullptr, n); }

TFL_CLONES double copySumsq(const float* __restrict x, float* __restrict dst, long n) {
  return sumsqBody<true>(x, dst, n);
}

// Sum of n floats in double (the streaming read-reduce baseline).
TFL_CLONES double sumf(const float* x, long n) {
  v8d a0 = tfl::splat(0), a1 = a0, a2 = a0, a3 = a0;
  long i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 += tfl::load8(x + i);
    a1 += tfl::load8(x + i + 8);
    a2 += tfl::load8(x + i + 16);
    a3 += tfl::load8(x + i + 24);
  }
  double s = tfl::hsum((a0 + a1) + (a2 + a3));
  for (; i < n; i++) s += x[i];
  return s;
}

// y[j] += a * x[j]: the product and the sum rounded separately, as in Java.
TFL_CLONES void axpy(double a, const float* __restrict x, double* __restrict y, long n) {
  for (long j = 0; j < n; j++) y[j] += a * static_cast<double>(x[j]);
}

// acc[j] += s_0*x_0[j], then += s_1*x_1[j], ... for the rn rows x_r (row order kept, product and sum rounded
// separately, as in Java), holding 32 columns of the accumulator in registers across all rows.
TFL_CLONES void scaleAddRows(const float* const* x, const double* s, long rn, double* __restrict acc, long n) {
  long j = 0;
  for (; j + 32 <= n; j += 32) {
    v8d a0, a1, a2, a3;
    std::memcpy(&a0, acc + j, sizeof a0);
    std::memcpy(&a1, acc + j + 8, sizeof a1);
    std::memcpy(&a2, acc + j + 16, sizeof a2);
    std::memcpy(&a3, acc + j + 24, sizeof a3);
    for (long r = 0; r < rn; r++) {
      const float* p = x[r] + j;
      v8d sr = tfl::splat(s[r]);
      a0 += sr * tfl::load8(p);
      a1 += sr * tfl::load8(p + 8);
      a2 += sr * tfl::load8(p + 16);
      a3 += sr * tfl::load8(p + 24);
    }
    std::memcpy(acc + j, &a0, sizeof a0);
    std::memcpy(acc + j + 8, &a1, sizeof a1);
    std::memcpy(acc + j + 16, &a2, sizeof a2);
    std::memcpy(acc + j + 24, &a3, sizeof a3);
  }
  for (; j < n; j++) {
    double a = acc[j];
    for (long r = 0; r < rn; r++) a += s[r] * static_cast<double>(x[r][j]);
    acc[j] = a;
  }
}

#ifndef TFL_NO_AVX512_INTRINSICS
// AVX-512 versions of the three streaming loops with intrinsics: gcc lowers the generic 8-double vector conversions
// of the clones above to pairs of 256-bit conversions, which made the clip kernel's arithmetic ~1.7x slower than
// one 512-bit vcvtps2pd per 8 floats. Same expressions, same order, so the same results as the generic versions.
#define TFL_AVX512 __attribute__((target("avx512f")))
// gcc 12's avx512fintrin.h initializes _mm512_undefined_pd from itself, a known false -Wmaybe-uninitialized.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

TFL_AVX512 double hsum512(__m512d a) {
  alignas(64) double t[8];
  _mm512_store_pd(t, a);
  return ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
}

TFL_AVX512 __m512d load8x512(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }

template <bool Copy>
TFL_AVX512 inline __attribute__((always_inline)) double sumsq512Body(const float* __restrict x, float* __restrict dst,
    long n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  long i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 f0 = _mm256_loadu_ps(x + i), f1 = _mm256_loadu_ps(x + i + 8);
    __m256 f2 = _mm256_loadu_ps(x + i + 16), f3 = _mm256_loadu_ps(x + i + 24);
    if (Copy) {
      _mm256_storeu_ps(dst + i, f0);
      _mm256_storeu_ps(dst + i + 8, f1);
      _mm256_storeu_ps(dst + i + 16, f2);
      _mm256_storeu_ps(dst + i + 24, f3);
    }
    __m512d x0 = _mm512_cvtps_pd(f0), x1 = _mm512_cvtps_pd(f1), x2 = _mm512_cvtps_pd(f2), x3 = _mm512_cvtps_pd(f3);
    a0 = _mm512_add_pd(a0, _mm512_mul_pd(x0, x0));
    a1 = _mm512_add_pd(a1, _mm512_mul_pd(x1, x1));
    a2 = _mm512_add_pd(a2, _mm512_mul_pd(x2, x2));
    a3 = _mm512_add_pd(a3, _mm512_mul_pd(x3, x3));
  }
  for (; i + 8 <= n; i += 8) {
    __m256 f0 = _mm256_loadu_ps(x + i);
    if (Copy) _mm256_storeu_ps(dst + i, f0);
    __m512d x0 = _mm512_cvtps_pd(f0);
    a0 = _mm512_add_pd(a0, _mm512_mul_pd(x0, x0));
  }
  double s = hsum512(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)));
  for (; i < n; i++) {
    if (Copy) dst[i] = x[i];
    double v = x[i];
    s += v * v;
  }
  return s;
}

TFL_AVX512 double sumsq512(const float* x, long n) { return sumsq512Body<false>(x, nullptr, n); }

TFL_AVX512 double copySumsq512(const float* __restrict x, float* __restrict dst, long n) {
  return sumsq512Body<true>(x, dst, n);
}

TFL_AVX512 double sumf512(const float* x, long n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  long i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm512_add_pd(a0, load8x512(x + i));
    a1 = _mm512_add_pd(a1, load8x512(x + i + 8));
    a2 = _mm512_add_pd(a2, load8x512(x + i + 16));
    a3 = _mm512_add_pd(a3, load8x512(x + i + 24));
  }
  double s = hsum512(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)));
  for (; i < n; i++) s += x[i];
  return s;
}

TFL_AVX512 void scaleAddRows512(const float* const* x, const double* s, long rn, double* __restrict acc, long n) {
  long j = 0;
  for (; j + 32 <= n; j += 32) {
    __m512d a0 = _mm512_loadu_pd(acc + j), a1 = _mm512_loadu_pd(acc + j + 8);
    __m512d a2 = _mm512_loadu_pd(acc + j + 16), a3 = _mm512_loadu_pd(acc + j + 24);
    for (long r = 0; r < rn; r++) {
      const float* p = x[r] + j;
      __m512d sr = _mm512_set1_pd(s[r]);
      a0 = _mm512_add_pd(a0, _mm512_mul_pd(sr, load8x512(p)));
      a1 = _mm512_add_pd(a1, _mm512_mul_pd(sr, load8x512(p + 8)));
      a2 = _mm512_add_pd(a2, _mm512_mul_pd(sr, load8x512(p + 16)));
      a3 = _mm512_add_pd(a3, _mm512_mul_pd(sr, load8x512(p + 24)));
    }
    _mm512_storeu_pd(acc + j, a0);
    _mm512_storeu_pd(acc + j + 8, a1);
    _mm512_storeu_pd(acc + j + 16, a2);
    _mm512_storeu_pd(acc + j + 24, a3);
  }
  for (; j < n; j++) {
    double a = acc[j];
    for (long r = 0; r < rn; r++) a += s[r] * static_cast<double>(x[r][j]);
    acc[j] = a;
  }
}

#pragma GCC diagnostic pop

const bool kAvx512 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") != 0;
}();
#else
const bool kAvx512 = false;
double sumsq512(const float*, long) { return 0; }
double sumf512(const float*, long) { return 0; }
void scaleAddRows512(const float* const*, const double*, long, double*, long) {}
double copySumsq512(const float*, float*, long) { return 0; }
#endif

// Run-time dispatch of the streaming loops: AVX-512 intrinsics where the CPU has them, else the clones.
inline double sumsqD(const float* x, long n) { return kAvx512 ? sumsq512(x, n) : sumsq(x, n); }
inline double sumfD(const float* x, long n) { return kAvx512 ? sumf512(x, n) : sumf(x, n); }
inline double copySumsqD(const float* x, float* dst, long n) {
  return kAvx512 ? copySumsq512(x, dst, n) : copySumsq(x, dst, n);
}
inline void scaleAddRowsD(const float* const* x, const double* s, long rn, double* acc, long n) {
  if (kAvx512) {
    scaleAddRows512(x, s, rn, acc, n);
  } else {
    scaleAddRows(x, s, rn, acc, n);
  }
}

TFL_CLONES void addd(const double* __restrict x, double* __restrict y, long n) {
  for (long j = 0; j < n; j++) y[j] += x[j];
}

// Dot product of two float vectors in double.
TFL_CLONES double dotf(const float* x, const float* y, long n) {
  v8d a0 = tfl::splat(0), a1 = a0;
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 += tfl::load8(x + i) * tfl::load8(y + i);
    a1 += tfl::load8(x + i + 8) * tfl::load8(y + i + 8);
  }
  double s = tfl::hsum(a0 + a1);
  for (; i < n; i++) s += static_cast<double>(x[i]) * y[i];
  return s;
}

// Splits [0, n) into `parts` contiguous ranges whose starts are multiples of `align`.
inline void split(long n, int parts, int t, long align, long* lo, long* hi) {
  long units = (n + align - 1) / align;
  long per = units / parts, rem = units % parts;
  long u0 = t * per + std::min<long>(t, rem);
  long u1 = u0 + per + (t < rem ? 1 : 0);
  *lo = std::min(n, u0 * align);
  *hi = std::min(n, u1 * align);
}

// Number of pool threads worth using for `bytes` of streamed memory: one thread per `perThread` bytes (default
// 256 KiB), at least one.
inline int threadsFor(const Context* c, double bytes, double perThread = 256.0 * 1024) {
  long want = static_cast<long>(bytes / perThread) + 1;
  return static_cast<int>(std::min<long>(c->pool.size(), want));
}

// Columns per step of the clip kernel's pipeline: small, so that the next tile's memory reads and this tile's
// cached arithmetic sit close together in the instruction stream and the core overlaps them (measured: 256 beat
// 512 to 2048 here).
constexpr long kColumnBlock = 256;

// How far ahead (in columns) the pipeline prefetches the rows it streams from memory. Paired cold probes on the
// 2-core build machine (bandwidth_probe 2 0 cold, ratio to the read-reduce): 256x65,536 went from 0.55-0.58 with no
// software prefetch to 0.68-0.73 with 256-768 columns ahead; 64x1,048,576 and 1,024x16,384 were unchanged within
// noise; 2,048 and 4,096 columns ahead gained less.
constexpr long kPrefetchAhead = 512;

}  // namespace

long long tfl_ctx_create(int threads, int tileRows) {
  if (threads <= 0) {
    threads = static_cast<int>(std::thread::hardware_concurrency());
    if (threads <= 0) threads = 1;
  }
  long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
  long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
  if (l2 <= 0) l2 = 1L << 20;
  if (l3 <= 0) l3 = 8L << 20;
  Context* c = new Context(threads, tileRows > 0 ? tileRows : 0, l2, l3);
  return static_cast<long long>(reinterpret_cast<intptr_t>(c));
}

void tfl_ctx_destroy(long long h) { delete tfl::ctx(h); }

int tfl_ctx_threads(long long h) { return tfl::ctx(h)->pool.size(); }

const char* tfl_isa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
      && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd")) {
    return "x86-64-v4 (AVX-512)";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2")) {
    return "x86-64-v3 (AVX2)";
  }
  return "x86-64 (SSE2)";
}

long long tfl_noop(long long x) { return x; }

// Each task owns a contiguous range of columns. Rows are processed in tiles of R rows: every task computes the
// partial sums of squares of the tile's rows over its columns (reading them from memory into its cache), the
// tasks meet at a barrier, each combines the partials of every row in a fixed order (so all agree on the norms),
// and then adds the scaled rows to its columns of the sum, column block by column block, while the tile is still
// in its cache. Each row is therefore read from main memory once, and the sum is written in place.
namespace {

// One task's share of the clip-and-accumulate pipeline over rows [0, batch) (row stride D) and columns [c0, c1):
// adds into sum (indexed by column) and, when norms is not null, writes the norms. T tasks share `partial`
// (2*T*R doubles) and the barrier; with T = 1 the barrier is a no-op. Weights come from floats (wf), doubles (wd)
// or are all ones (both null). Returns the number of accepted rows.
//
// Rows are processed in tiles of R rows. Each task computes the partial sums of squares of a tile's rows over its
// columns; after a barrier every task combines the partials of every row in a fixed order (so all agree on the
// norms) and scales the tile into its columns of the sum. Software pipeline: while tile k (in cache since the
// previous step) is scaled, the rows of tile k+1 are streamed from memory for their norms, in small column steps,
// so the memory reads overlap the cached arithmetic; tile k+1 then stays in cache for the next step. Each row is
// read from main memory once.
int clipPipeline(const float* rows, long batch, long D, const float* wf, const double* wd, double clip, double* sum,
    double* norms, long c0, long c1, long R, int T, int t, double* partial, tfl::Barrier& barrier) {
  const long tiles = (batch + R - 1) / R;
  std::vector<double> scale(R), liveScale(R);
  std::vector<const float*> liveRow(R), blockRow(R);
  int accepted = 0;
  auto partialOf = [&](long tile, int task) { return partial + (static_cast<size_t>(tile & 1) * T + task) * R; };
  {
    double* mine = partialOf(0, t);
    long rn = std::min<long>(R, batch);
    for (long r = 0; r < rn; r++) mine[r] = c1 > c0 ? sumsqD(rows + r * D + c0, c1 - c0) : 0.0;
  }
  barrier.wait();
  for (long k = 0; k < tiles; k++) {
    long r0 = k * R;
    long rn = std::min<long>(R, batch - r0);
    long live = 0;
    for (long r = 0; r < rn; r++) {
      double ss = 0;
      for (int u = 0; u < T; u++) ss += partialOf(k, u)[r];
      double norm = std::isfinite(ss) ? std::sqrt(ss) : NAN;
      double w = wf != nullptr ? static_cast<double>(wf[r0 + r]) : wd != nullptr ? wd[r0 + r] : 1.0;
      if (norms != nullptr) norms[r0 + r] = norm;
      if (std::isnan(norm) || !std::isfinite(w)) continue;
      accepted++;
      double f = norm <= clip ? 1.0 : clip / norm;
      scale[r] = w * f;
      if (scale[r] != 0.0) {  // zero weights add nothing
        liveScale[live] = scale[r];
        liveRow[live++] = rows + (r0 + r) * D;
      }
    }
    long n0 = r0 + rn;
    long nn = k + 1 < tiles ? std::min<long>(R, batch - n0) : 0;
    double* next = partialOf(k + 1, t);
    for (long r = 0; r < nn; r++) next[r] = 0.0;
    for (long b0 = c0; b0 < c1; b0 += kColumnBlock) {
      long bn = std::min(kColumnBlock, c1 - b0);
      for (long r = 0; r < nn; r++) {
        // Ask for this row's lines kPrefetchAhead columns ahead of the ones read now (never past the task's
        // columns): the hardware prefetcher alone let the memory stream stall behind the cached arithmetic.
        const float* row = rows + (n0 + r) * D;
        for (long j = b0 + kPrefetchAhead, j1 = std::min(c1, b0 + kPrefetchAhead + bn); j < j1; j += 16) {
          _mm_prefetch(reinterpret_cast<const char*>(row + j), _MM_HINT_T0);  // one 64-byte line per 16 floats
        }
        next[r] += sumsqD(row + b0, bn);
      }
      for (long r = 0; r < live; r++) blockRow[r] = liveRow[r] + b0;
      if (live > 0) scaleAddRowsD(blockRow.data(), liveScale.data(), live, sum + b0, bn);
    }
    barrier.wait();
  }
  return accepted;
}

int clipCore(long long h, const float* rows, int batch, int dim, const float* wf, const double* wd, double clip,
    double* sum, double* norms) {
  Context* c = tfl::ctx(h);
  const long D = dim;
  const long B = batch;
  const long cache = c->l2 * 3 / 4;  // per task: two tiles and the task's accumulator columns
  // One thread per MiB here: waking a pool thread and meeting it at the barriers costs tens of microseconds on the
  // 2-core build VM, about what one thread needs for a megabyte. One 100,000-float update (400 KB, the server's
  // per-update aggregation path) took 154 us on two threads and 74 us on one; at 4 MB two threads win (588 vs 952 us).
  int T = threadsFor(c, static_cast<double>(B) * D * 4, 1024.0 * 1024);
  // Rows split across tasks when a task's own accumulator and two tiles of one whole row fit in 3/4 of its L2:
  // no barriers at all (each task runs the pipeline on its rows into a private sum; the sums are added at the
  // end). Otherwise columns are split and the tasks meet once per tile. (Requiring room for 4-row tiles, as this
  // did before, sent 256x65,536 to the column split, whose 128 barriers per call made it 2.1x slower: 0.38x vs
  // 0.82x of the read-reduce bandwidth on cold memory, paired runs on the 2-core build machine.)
  if (T > 1 && B >= 4L * T && D * 8 + 2 * D * 4 <= cache) {
    // Tiles of at most 2 rows: with the prefetch above, paired cold probes gave 1,024x16,384 0.66 / 0.79 / 0.74 /
    // 0.73 / 0.60 with 1 / 2 / 3 / 4 / 16-row tiles (the earlier default was 10) and 256x65,536 0.61 / 0.77 / 0.63 /
    // 0.57 with 1-4 rows.
    long R = c->tileRows > 0 ? c->tileRows : std::min<long>(2, (cache - D * 8) / (2 * D * 4));
    std::vector<std::vector<double>> priv(T);
    std::vector<int> acceptedPerTask(T, 0);
    c->pool.run(T, [&](int t) {
      long b0, b1;
      split(B, T, t, 1, &b0, &b1);
      long rt = std::min<long>(R, b1 - b0);
      if (rt <= 0) return;
      double* acc = sum;
      if (t > 0) {
        priv[t].assign(D, 0.0);
        acc = priv[t].data();
      }
      std::vector<double> partial(2 * rt);
      tfl::Barrier none(1);
      acceptedPerTask[t] = clipPipeline(rows + b0 * D, b1 - b0, D, wf == nullptr ? nullptr : wf + b0,
          wd == nullptr ? nullptr : wd + b0, clip, acc, norms + b0, 0, D, rt, 1, 0, partial.data(), none);
    });
    int accepted = acceptedPerTask[0];
    for (int t = 1; t < T; t++) {
      accepted += acceptedPerTask[t];
      if (!priv[t].empty()) addd(priv[t].data(), sum, D);
    }
    return accepted;
  }
  T = static_cast<int>(std::min<long>(T, std::max<long>(1, D / 64)));
  long chunk = (D + T - 1) / T;
  long R = c->tileRows;
  if (R <= 0) {
    // Two tiles (the one being scaled and the next one being loaded, R rows of one task's columns each) and the
    // task's accumulator columns should fit in 3/4 of its L2; when not even one row chunk fits, take 4 rows, which
    // stay in the shared L3.
    // Measured on the 2-core build machine with the paired probe: 2-row tiles beat 1, 3, 4 and 10-row tiles.
    long budget = cache - chunk * 8;
    R = budget > 0 ? budget / (2 * chunk * 4) : 0;
    R = R < 1 ? std::max<long>(1, std::min<long>(4, (c->l3 / 8) / (D * 4))) : std::min<long>(R, 2);
  }
  R = std::min<long>(R, B);
  std::vector<double> partial(2 * static_cast<size_t>(T) * R);
  std::vector<int> acceptedPerTask(T, 0);
  tfl::Barrier barrier(T);
  c->pool.run(T, [&](int t) {
    long c0, c1;
    split(D, T, t, 16, &c0, &c1);
    acceptedPerTask[t] = clipPipeline(rows, B, D, wf, wd, clip, sum, t == 0 ? norms : nullptr, c0, c1, R, T, t,
        partial.data(), barrier);
  });
  return acceptedPerTask[0];
}

}  // namespace

int tfl_clip_accumulate(long long h, const float* rows, int batch, int dim, const float* weights, double clip,
    double* sum, double* norms) {
  return clipCore(h, rows, batch, dim, weights, nullptr, clip, sum, norms);
}

double tfl_sum(long long h, const float* x, long long n) {
  Context* c = tfl::ctx(h);
  int T = threadsFor(c, static_cast<double>(n) * 4);
  std::vector<double> part(T);
  c->pool.run(T, [&](int t) {
    long lo, hi;
    split(n, T, t, 16, &lo, &hi);
    part[t] = sumfD(x + lo, hi - lo);
  });
  double s = 0;
  for (double p : part) s += p;
  return s;
}

void tfl_linear_ghost_norms_sq(long long h, const float* act, const float* grad, int batch, int seq, int in, int out,
    int bias, double* squaredNorms) {
  Context* c = tfl::ctx(h);
  const long Ts = seq, I = in, O = out;
  double work = static_cast<double>(batch) * Ts * Ts * (I + O) * 4;
  int T = static_cast<int>(std::min<long>(threadsFor(c, work), batch));
  c->pool.run(T, [&](int t) {
    long b0, b1;
    split(batch, T, t, 1, &b0, &b1);
    std::vector<double> gsum(bias ? O : 0);
    for (long b = b0; b < b1; b++) {
      const float* a = act + b * Ts * I;
      const float* g = grad + b * Ts * O;
      double total = 0;
      if (Ts == 1) {
        double aa = dotf(a, a, I);
        double gg = dotf(g, g, O);
        total = gg * aa + (bias ? gg : 0.0);
      } else {
        // ||sum_t a_t g_t^T||_F^2 = sum_{s,r} (a_s . a_r)(g_s . g_r): the Gram matrices are symmetric, so the
        // off-diagonal terms are counted twice.
        double diag = 0, off = 0;
        for (long s = 0; s < Ts; s++) {
          diag += dotf(a + s * I, a + s * I, I) * dotf(g + s * O, g + s * O, O);
          for (long r = s + 1; r < Ts; r++) {
            off += dotf(a + s * I, a + r * I, I) * dotf(g + s * O, g + r * O, O);
          }
        }
        total = diag + 2.0 * off;
        if (bias) {
          std::fill(gsum.begin(), gsum.end(), 0.0);
          for (long s = 0; s < Ts; s++) {
            for (long o = 0; o < O; o++) gsum[o] += g[s * O + o];
          }
          double gg = 0;
          for (long o = 0; o < O; o++) gg += gsum[o] * gsum[o];
          total += gg;
        }
      }
      squaredNorms[b] = total;
    }
  });
}

// Tasks own ranges of weightGrad rows (input features); within a range, blocks of rows that fit in L2 are updated
// by every (example, token) in order, so each element receives exactly the Java reference's sequence of
// y += (f*a) * g operations.
void tfl_linear_clipped_sum(long long h, const float* act, const float* grad, int batch, int seq, int in, int out,
    int bias, const double* factors, double* weightGrad, double* biasGrad) {
  Context* c = tfl::ctx(h);
  const long Ts = seq, I = in, O = out;
  double work = static_cast<double>(batch) * Ts * I * O * 8;
  int T = static_cast<int>(std::min<long>(threadsFor(c, work), I));
  long blockRows = std::max<long>(1, (c->l2 / 2) / (O * 8));
  c->pool.run(T, [&](int t) {
    long i0, i1;
    split(I, T, t, 1, &i0, &i1);
    for (long ib = i0; ib < i1; ib += blockRows) {
      long ie = std::min(i1, ib + blockRows);
      for (long b = 0; b < batch; b++) {
        double f = factors[b];
        if (f == 0.0) continue;
        for (long s = 0; s < Ts; s++) {
          const float* a = act + (b * Ts + s) * I;
          const float* g = grad + (b * Ts + s) * O;
          for (long i = ib; i < ie; i++) {
            axpy(f * static_cast<double>(a[i]), g, weightGrad + i * O, O);
          }
        }
      }
    }
    if (bias && t == 0) {
      for (long b = 0; b < batch; b++) {
        double f = factors[b];
        if (f == 0.0) continue;
        for (long s = 0; s < Ts; s++) axpy(f, grad + (b * Ts + s) * O, biasGrad, O);
      }
    }
  });
}

void tfl_add(long long h, double* y, const double* x, long long n) {
  Context* c = tfl::ctx(h);
  int T = threadsFor(c, static_cast<double>(n) * 16);
  c->pool.run(T, [&](int t) {
    long lo, hi;
    split(n, T, t, 8, &lo, &hi);
    addd(x + lo, y + lo, hi - lo);
  });
}

double tfl_copy_norm(const float* src, long long srcOffset, float* dst, long long n) {
  double ss = copySumsqD(src + srcOffset, dst, n);
  return std::isfinite(ss) ? std::sqrt(ss) : NAN;
}

void tfl_scale_add_rows(long long h, const float* rows, int rn, long long n, const double* scales, double* sum) {
  Context* c = tfl::ctx(h);
  // Columns split across the pool: each task adds all rn rows to its own columns of the sum, in row order, so the
  // result does not depend on the thread count.
  int T = threadsFor(c, static_cast<double>(rn) * n * 4 + static_cast<double>(n) * 16, 1024.0 * 1024);
  c->pool.run(T, [&](int t) {
    long lo, hi;
    split(n, T, t, 32, &lo, &hi);
    if (hi <= lo) return;
    std::vector<const float*> x(rn);
    for (int r = 0; r < rn; r++) x[r] = rows + r * n + lo;
    scaleAddRowsD(x.data(), scales, rn, sum + lo, hi - lo);
  });
}
