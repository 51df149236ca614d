// Paired bandwidth probe: clip-and-accumulate vs the streaming read-reduce of the same bytes, alternated call by
// call for the three benchmark shapes, reporting the best of the repetitions by process CPU time and by wall time.
// On a shared, oversubscribed machine the JMH benchmarks (bench: NativeCpuClipBenchmark) run one method after the
// other and load drift swamps the ratio; alternating the two kernels keeps the comparison fair. By default one
// matrix is re-read (hot: served by the caches); with "cold" each call reads a different copy, from main memory.
// A diagnostic, not a test. Build and run from native-cpu/ after `mvn package`:
//   g++ -O2 -std=c++17 -Isrc/main/cpp src/test/cpp/bandwidth_probe.cpp target/cpp/libtrustflcpu.a -pthread -o /tmp/probe
//   /tmp/probe THREADS [TILE_ROWS [B D]] [cold]
// With B and D given it measures that one shape; 32 16384 (2 MiB, in the L2 of the 2-core build VM) gives the rate
// at which the clip's arithmetic runs when memory is not the limit.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <ctime>
#include <vector>

#include "trustfl_cpu.h"

static double cpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static double wallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int main(int argc, char** argv) {
  // "cold" anywhere in the arguments: every call reads a different copy of the matrix, rotating over copies that
  // total at least 1.5 GiB, so each call reads main memory (the others are then parsed as if it were not there).
  std::vector<const char*> a;
  bool cold = false;
  for (int i = 0; i < argc; i++) {
    if (std::string(argv[i]) == "cold") {
      cold = true;
    } else {
      a.push_back(argv[i]);
    }
  }
  int threads = a.size() > 1 ? std::atoi(a[1]) : 1;
  int tile = a.size() > 2 ? std::atoi(a[2]) : 0;
  long long ctx = tfl_ctx_create(threads, tile);
  std::vector<std::vector<long>> shapes = {{256, 65536}, {64, 1048576}, {1024, 16384}};
  if (a.size() > 4) shapes = {{std::atol(a[3]), std::atol(a[4])}};
  for (const auto& shape : shapes) {
    const long B = shape[0], D = shape[1];
    const long copies = cold ? std::max(2L, (3L << 29) / (B * D * 4)) : 1;
    std::vector<std::vector<float>> mats(copies, std::vector<float>(B * D));
    for (auto& rows : mats) {
      for (long i = 0; i < B * D; i++) rows[i] = static_cast<float>((i * 2654435761u % 1000) / 1000.0 - 0.5);
    }
    std::vector<double> sum(D), norms(B);
    double clipCpu = 1e9, sumCpu = 1e9, clipWall = 1e9, sumWall = 1e9;
    volatile double sink = 0;
    long k = 0;
    const int reps = cold ? static_cast<int>(5 * copies) : B * D < (1L << 22) ? 2000 : 6;
    for (int rep = 0; rep < reps; rep++) {
      double c0 = cpuSeconds(), w0 = wallSeconds();
      tfl_clip_accumulate(ctx, mats[k++ % copies].data(), B, D, nullptr, 10.0, sum.data(), norms.data());
      double c1 = cpuSeconds(), w1 = wallSeconds();
      sink = sink + tfl_sum(ctx, mats[k++ % copies].data(), B * D);
      double c2 = cpuSeconds(), w2 = wallSeconds();
      if (cold && rep == 0) continue;  // the first pass also faults the pages in
      clipCpu = std::min(clipCpu, c1 - c0);
      sumCpu = std::min(sumCpu, c2 - c1);
      clipWall = std::min(clipWall, w1 - w0);
      sumWall = std::min(sumWall, w2 - w1);
    }
    // CPU-time rates are per-thread rates times the thread count (all threads busy for the whole call).
    double gb = B * D * 4 / 1e9;
    std::printf("%ldx%ld%s: clip cpu %.2f GB/s wall %.2f GB/s | sum cpu %.2f GB/s wall %.2f GB/s | "
        "ratio cpu %.2f wall %.2f\n", B, D, cold ? " cold" : "", gb / clipCpu * threads, gb / clipWall,
        gb / sumCpu * threads, gb / sumWall, sumCpu / clipCpu, sumWall / clipWall);
  }
  tfl_ctx_destroy(ctx);
  return 0;
}
