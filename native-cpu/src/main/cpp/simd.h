// Portable SIMD through GCC vector extensions and function multiversioning: hot functions carry TFL_CLONES, so gcc
// emits an x86-64-v4 (AVX-512), an x86-64-v3 (AVX2) and a baseline (SSE2) version and the dynamic loader picks one
// for the running CPU. Nothing is compiled for the build machine's CPU only. Helpers are always_inline so that they
// are compiled inside each clone with its instruction set.
#ifndef TRUSTFL_SIMD_H
#define TRUSTFL_SIMD_H

#include <cstdint>
#include <cstring>

#ifndef TFL_CLONES  // src/test/cpp/check_isa.sh compiles one instruction set at a time by defining it empty
#define TFL_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
#define TFL_INLINE inline __attribute__((always_inline))

namespace tfl {

typedef float v8f __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));
typedef uint64_t v8ul __attribute__((vector_size(64)));
typedef uint32_t v8u __attribute__((vector_size(32)));

TFL_INLINE v8d load8(const float* p) {
  v8f f;
  std::memcpy(&f, p, sizeof f);
  return __builtin_convertvector(f, v8d);
}

TFL_INLINE v8d splat(double x) { return v8d{x, x, x, x, x, x, x, x}; }
TFL_INLINE v8l splatl(int64_t x) { return v8l{x, x, x, x, x, x, x, x}; }

TFL_INLINE double hsum(v8d a) {
  return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

}  // namespace tfl

#endif
