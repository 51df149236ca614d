// Ceiling probe: which memory access patterns can this machine sustain, on cold memory, for a B x D float matrix?
// Each pattern is the minimum traffic of some way to clip-and-accumulate, stripped of everything else (no norm
// arithmetic, no clip factors), so its bandwidth bounds what any kernel of that shape can reach. Patterns run
// alternately, call by call, over rotating copies of the matrix totalling >= 2 GiB; two threads, each owning half of
// the columns (the clip kernel's split for long rows); best of the repetitions; ratio = read-reduce time / time, where
// the read-reduce time is the faster of "read" and "reread" (which also reads every byte from memory once, and on this
// VM is sometimes the faster of the two).
//
//   g++ -O2 -std=c++17 -pthread native-cpu/src/test/cpp/ceiling_probe.cpp -o /tmp/ceiling
//   /tmp/ceiling 64 1048576 [huge]     (also 256 65536, 1024 16384)
// With "huge" the matrices are madvise(MADV_HUGEPAGE)d: 2 MiB pages where transparent huge pages are in madvise
// mode (as numpy does for its large arrays); the hardware prefetchers then stream across 4 KiB boundaries.
//
// Patterns:
//   read          each thread sums its half of every row once (the read-reduce baseline)
//   reread        reads its half-row, then reads it again right away: the second read hits the L2 when the
//                 half-row fits (the clip's norm pass followed by its scaling pass, minus the accumulator)
//   pipelined     reads half-row r+1 and re-reads half-row r in the same 256-column steps (the clip kernel's
//                 software pipeline, minus arithmetic)
//   pipelined+pf  the same, prefetching half-row r+1 512 columns ahead, as the kernel does
//   tile:R        reads R half-rows, then re-reads them (R >= 2 half-rows of 2 MB no longer fit a 2 MB L2)
//   axpy          reads a half-row, then adds 0.5 x it into a double accumulator of the thread's columns: one
//                 accumulator read and write per row, with the real scale-add arithmetic
//   tileaxpy:R    reads R half-rows, then adds them into the accumulator in one pass (32 columns kept in
//                 registers across the R rows): the accumulator traffic divided by R, the rows re-read from L3
// gcc 12's AVX-512 headers initialize _mm512_undefined_pd and _mm256_undefined_pd from themselves: known false
// (maybe-)uninitialized warnings.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <thread>
#include <vector>

namespace {
double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

#define AVX512 __attribute__((target("avx512f")))
AVX512 inline __m512d load8(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }

AVX512 double sum(const float* x, long n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  for (long i = 0; i + 32 <= n; i += 32) {
    a0 = _mm512_add_pd(a0, load8(x + i));
    a1 = _mm512_add_pd(a1, load8(x + i + 8));
    a2 = _mm512_add_pd(a2, load8(x + i + 16));
    a3 = _mm512_add_pd(a3, load8(x + i + 24));
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)));
}

AVX512 void scaleAdd(const float* const* x, long rn, double* acc, long n) {
  __m512d s = _mm512_set1_pd(0.5);
  for (long j = 0; j + 32 <= n; j += 32) {
    __m512d a0 = _mm512_loadu_pd(acc + j), a1 = _mm512_loadu_pd(acc + j + 8);
    __m512d a2 = _mm512_loadu_pd(acc + j + 16), a3 = _mm512_loadu_pd(acc + j + 24);
    for (long r = 0; r < rn; r++) {
      const float* p = x[r] + j;
      a0 = _mm512_add_pd(a0, _mm512_mul_pd(s, load8(p)));
      a1 = _mm512_add_pd(a1, _mm512_mul_pd(s, load8(p + 8)));
      a2 = _mm512_add_pd(a2, _mm512_mul_pd(s, load8(p + 16)));
      a3 = _mm512_add_pd(a3, _mm512_mul_pd(s, load8(p + 24)));
    }
    _mm512_storeu_pd(acc + j, a0);
    _mm512_storeu_pd(acc + j + 8, a1);
    _mm512_storeu_pd(acc + j + 16, a2);
    _mm512_storeu_pd(acc + j + 24, a3);
  }
}

struct Pattern {
  std::string name;
  int kind;
  long tile;
};

// One thread's share: columns [c0, c1) of every row.
double run(const Pattern& p, const float* a, long B, long D, long c0, long c1, double* acc) {
  long n = c1 - c0;
  double s = 0;
  std::vector<const float*> rows(std::max(1L, p.tile));
  switch (p.kind) {
    case 0:
      for (long r = 0; r < B; r++) s += sum(a + r * D + c0, n);
      break;
    case 1:
      for (long r = 0; r < B; r++) {
        s += sum(a + r * D + c0, n);
        s += sum(a + r * D + c0, n);
      }
      break;
    case 2:
    case 6:
      s += sum(a + c0, n);
      for (long r = 1; r < B; r++) {
        for (long b = 0; b < n; b += 256) {
          long m = std::min(256L, n - b);
          if (p.kind == 6) {
            const char* q = reinterpret_cast<const char*>(a + r * D + c0 + b + 512);
            const char* end = reinterpret_cast<const char*>(a + r * D + std::min(c1, c0 + b + 512 + m));
            for (; q < end; q += 64) _mm_prefetch(q, _MM_HINT_T0);
          }
          s += sum(a + r * D + c0 + b, m);
          s += sum(a + (r - 1) * D + c0 + b, m);
        }
      }
      s += sum(a + (B - 1) * D + c0, n);
      break;
    case 3:
    case 5:
      for (long r0 = 0; r0 < B; r0 += p.tile) {
        long rn = std::min(p.tile, B - r0);
        for (long r = 0; r < rn; r++) s += sum(a + (r0 + r) * D + c0, n);
        if (p.kind == 3) {
          for (long r = 0; r < rn; r++) s += sum(a + (r0 + r) * D + c0, n);
        } else {
          for (long r = 0; r < rn; r++) rows[r] = a + (r0 + r) * D + c0;
          scaleAdd(rows.data(), rn, acc + c0, n);
        }
      }
      break;
    case 4:
      for (long r = 0; r < B; r++) {
        s += sum(a + r * D + c0, n);
        rows[0] = a + r * D + c0;
        scaleAdd(rows.data(), 1, acc + c0, n);
      }
      break;
  }
  return s;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s B D\n", argv[0]);
    return 2;
  }
  const long B = std::atol(argv[1]), D = std::atol(argv[2]), N = B * D;
  const int T = 2;
  std::vector<Pattern> patterns = {{"read", 0, 1}, {"reread", 1, 1}, {"pipelined", 2, 1}, {"pipelined+pf", 6, 1},
      {"tile:2", 3, 2},
      {"tile:4", 3, 4}, {"axpy", 4, 1}, {"tileaxpy:2", 5, 2}, {"tileaxpy:4", 5, 4}, {"tileaxpy:8", 5, 8}};
  const bool huge = argc > 3 && std::string(argv[3]) == "huge";
  const long copies = std::max(2L, (2L << 30) / (N * 4));
  std::vector<float*> m(copies);
  for (auto& c : m) {
    const long bytes = (N * 4 + (2L << 20) - 1) / (2L << 20) * (2L << 20);
    c = static_cast<float*>(std::aligned_alloc(2L << 20, bytes));
    if (huge) madvise(c, bytes, MADV_HUGEPAGE);
    for (long i = 0; i < N; i++) c[i] = static_cast<float>((i % 1000) * 1e-3 - 0.5);
  }
  double* acc = static_cast<double*>(std::aligned_alloc(64, D * 8));
  std::memset(acc, 0, D * 8);
  std::vector<double> best(patterns.size(), 1e30);
  std::atomic<long> sink{0};
  long k = 0;
  for (int rep = 0; rep < 4; rep++) {
    for (size_t pi = 0; pi < patterns.size(); pi++) {
      for (long c = 0; c < copies / 2; c++) {
        const float* a = m[k++ % copies];
        double t0 = now();
        std::vector<std::thread> threads;
        for (int t = 0; t < T; t++) {
          threads.emplace_back([&, t] {
            long c0 = D * t / T / 32 * 32, c1 = t == T - 1 ? D : D * (t + 1) / T / 32 * 32;
            sink += static_cast<long>(run(patterns[pi], a, B, D, c0, c1, acc));
          });
        }
        for (auto& th : threads) th.join();
        if (rep > 0) best[pi] = std::min(best[pi], now() - t0);
      }
    }
  }
  std::printf("%ldx%ld, %d threads, %ld cold copies, %s pages (sink %ld)\n", B, D, T, copies,
      huge ? "2 MiB" : "4 KiB", sink.load() & 1);
  const double base = std::min(best[0], best[1]);
  for (size_t pi = 0; pi < patterns.size(); pi++) {
    std::printf("  %-12s %8.2f ms %6.1f GB/s  ratio to the read-reduce %.2f\n", patterns[pi].name.c_str(),
        best[pi] * 1e3, N * 4 / best[pi] / 1e9, base / best[pi]);
  }
  return 0;
}
