// ChaCha20 Gaussian noise, bit-identical to io.trustfl.privacy.ChaChaGaussian (docs/NOISE.md).
//
// Eight ChaCha20 blocks are computed at once, one per vector lane, and their 64 normals are produced with the same
// expressions as the Java reference evaluated lane by lane: fdlibm's log, __kernel_sin and __kernel_cos, with each
// branch turned into a select between both sides (every side is computed; IEEE add/mul/div/sqrt are exact per
// lane). The library is compiled with -ffp-contract=off (no fused multiply-add) on SSE2/AVX (no x87).
//
// log, __kernel_sin and __kernel_cos are transcriptions of fdlibm 5.3 (e_log.c, k_sin.c, k_cos.c):
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "pool.h"
#include "simd.h"
#include "trustfl_cpu.h"

using tfl::v8d;
using tfl::v8l;
using tfl::v8u;
using tfl::v8ul;

namespace {

constexpr double LN2_HI = 6.93147180369123816490e-01;
constexpr double LN2_LO = 1.90821492927058770002e-10;
constexpr double LG1 = 6.666666666666735130e-01;
constexpr double LG2 = 3.999999999940941908e-01;
constexpr double LG3 = 2.857142874366239149e-01;
constexpr double LG4 = 2.222219843214978396e-01;
constexpr double LG5 = 1.818357216161805012e-01;
constexpr double LG6 = 1.531383769920937332e-01;
constexpr double LG7 = 1.479819860511658591e-01;
constexpr double S1 = -1.66666666666666324348e-01;
constexpr double S2 = 8.33333333332248946124e-03;
constexpr double S3 = -1.98412698298579493134e-04;
constexpr double S4 = 2.75573137070700676789e-06;
constexpr double S5 = -2.50507602534068634195e-08;
constexpr double S6 = 1.58969099521155010221e-10;
constexpr double C1 = 4.16666666666666019037e-02;
constexpr double C2 = -1.38888888888741095749e-03;
constexpr double C3 = 2.48015872894767294178e-05;
constexpr double C4 = -2.75573143513906633035e-07;
constexpr double C5 = 2.08757232129817482790e-09;
constexpr double C6 = -1.13596475577881948265e-11;
constexpr double PI_4 = 7.85398163397448278999e-01;  // 0x3FE921FB54442D18
constexpr double TWO_M53 = 0x1p-53;

TFL_INLINE v8l bitsOf(v8d x) {
  v8l b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

TFL_INLINE v8d fromBits(v8l b) {
  v8d x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// Exact conversion of integers in [0, 2^52) to double: the bits of 2^52 + x, minus 2^52.
TFL_INLINE v8d small52(v8l x) { return fromBits(x | tfl::splatl(0x4330000000000000LL)) - tfl::splat(0x1p52); }

// Exact conversion of integers in [0, 2^53) to double: x = hi * 2^26 + lo, both parts exact, the sum exact.
TFL_INLINE v8d exact53(v8l x) {
  return small52(x >> 26) * tfl::splat(0x1p26) + small52(x & tfl::splatl((1LL << 26) - 1));
}

// Exact conversion of small signed integers |k| < 2^51 to double.
TFL_INLINE v8d smallSigned(v8l k) {
  return small52(k + tfl::splatl(1LL << 51)) - tfl::splat(0x1p51);
}

TFL_INLINE v8d sel(v8l mask, v8d a, v8d b) { return mask ? a : b; }

// fdlibm __ieee754_log for x in [2^-53, 1] (always normal and positive here, so the special cases of e_log.c for
// zero, negative, subnormal, infinite and NaN arguments cannot occur).
TFL_INLINE v8d log8(v8d x) {
  v8l bits = bitsOf(x);
  v8l hx = bits >> 32;
  v8l k = (hx >> 20) - 1023;
  hx &= 0x000fffff;
  v8l i = (hx + 0x95f64) & 0x100000;
  x = fromBits(((hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffffLL));
  k += (i >> 20);
  v8d dk = smallSigned(k);
  v8d one = tfl::splat(1.0), zero = tfl::splat(0.0), half = tfl::splat(0.5);
  v8d f = x - one;
  v8l k0 = (k == 0);
  // |f| < 2^-20
  v8d rA = f * f * (half - tfl::splat(0.33333333333333333) * f);
  v8d aZero = sel(k0, zero, dk * LN2_HI + dk * LN2_LO);
  v8d aNonZero = sel(k0, f - rA, dk * LN2_HI - ((rA - dk * LN2_LO) - f));
  v8d resA = sel(f == zero, aZero, aNonZero);
  // general case
  v8d s = f / (tfl::splat(2.0) + f);
  v8d z = s * s;
  v8l iB = hx - 0x6147a;
  v8d w = z * z;
  v8l j = 0x6b851 - hx;
  v8d t1 = w * (LG2 + w * (LG4 + w * LG6));
  v8d t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  iB |= j;
  v8d r = t2 + t1;
  v8d hfsq = half * f * f;
  v8d b1 = sel(k0, f - (hfsq - s * (hfsq + r)), dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f));
  v8d b2 = sel(k0, f - s * (f - r), dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f));
  v8d resB = sel(iB > 0, b1, b2);
  return sel((0x000fffff & (2 + hx)) < 3, resA, resB);
}

TFL_INLINE v8l highWordAbs(v8d x) { return (bitsOf(x) >> 32) & 0x7fffffff; }

// fdlibm __kernel_sin(x, 0, 0), |x| <= pi/4.
TFL_INLINE v8d ksin8(v8d x) {
  v8l ix = highWordAbs(x);
  v8d z = x * x;
  v8d v = z * x;
  v8d r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return sel(ix < 0x3e400000, x, x + v * (S1 + z * r));
}

// fdlibm __kernel_cos(x, 0), |x| <= pi/4.
TFL_INLINE v8d kcos8(v8d x) {
  v8l ix = highWordAbs(x);
  v8d one = tfl::splat(1.0), half = tfl::splat(0.5);
  v8d z = x * x;
  v8d r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  v8d small = one - (half * z - z * r);
  v8d qx = sel(ix > 0x3fe90000, tfl::splat(0.28125), fromBits((ix - 0x00200000) << 32));
  v8d hz = half * z - qx;
  v8d a = one - qx;
  v8d large = a - (hz - z * r);
  return sel(ix < 0x3e400000, one, sel(ix < 0x3FD33333, small, large));
}

TFL_INLINE v8u rotl(v8u x, int n) { return (x << n) | (x >> (32 - n)); }

#define QR(a, b, c, d)  \
  a += b; d = rotl(d ^ a, 16); \
  c += d; b = rotl(b ^ c, 12); \
  a += b; d = rotl(d ^ a, 8);  \
  c += d; b = rotl(b ^ c, 7);

// Computes the 64 normals of the 8 consecutive blocks counter, counter+1, ... (mod 2^61) into out[64]:
// out[8*j + slot] is slot `slot` of block counter + j.
TFL_CLONES void normals8Blocks(const uint32_t* key, uint64_t counter, uint64_t nonce, double* out) {
  v8u x[16];
  const uint32_t consts[4] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u};
  for (int i = 0; i < 4; i++) x[i] = v8u{} + consts[i];
  for (int i = 0; i < 8; i++) x[4 + i] = v8u{} + key[i];
  uint32_t lo[8], hi[8];
  for (int j = 0; j < 8; j++) {
    // The block counter is index >> 3 of a 64-bit normal index that wraps modulo 2^64, so counters wrap at 2^61.
    uint64_t cj = (counter + static_cast<uint64_t>(j)) & ((uint64_t{1} << 61) - 1);
    lo[j] = static_cast<uint32_t>(cj);
    hi[j] = static_cast<uint32_t>(cj >> 32);
  }
  std::memcpy(&x[12], lo, sizeof lo);
  std::memcpy(&x[13], hi, sizeof hi);
  x[14] = v8u{} + static_cast<uint32_t>(nonce);
  x[15] = v8u{} + static_cast<uint32_t>(nonce >> 32);
  v8u in[16];
  for (int i = 0; i < 16; i++) in[i] = x[i];
  for (int round = 0; round < 10; round++) {
    QR(x[0], x[4], x[8], x[12]);
    QR(x[1], x[5], x[9], x[13]);
    QR(x[2], x[6], x[10], x[14]);
    QR(x[3], x[7], x[11], x[15]);
    QR(x[0], x[5], x[10], x[15]);
    QR(x[1], x[6], x[11], x[12]);
    QR(x[2], x[7], x[8], x[13]);
    QR(x[3], x[4], x[9], x[14]);
  }
  for (int i = 0; i < 16; i++) x[i] += in[i];
  const v8l mask53 = tfl::splatl(0x1FFFFFFFFFFFFFLL);
  for (int p = 0; p < 4; p++) {
    v8ul a = __builtin_convertvector(x[4 * p], v8ul) | (__builtin_convertvector(x[4 * p + 1], v8ul) << 32);
    v8ul b = __builtin_convertvector(x[4 * p + 2], v8ul) | (__builtin_convertvector(x[4 * p + 3], v8ul) << 32);
    v8d u = tfl::splat(1.0) - exact53((v8l)(a >> 11) & mask53) * TWO_M53;
    v8l bm = (v8l)(b >> 11);  // v = bm * 2^-53, bm < 2^53
    v8d l = tfl::splat(-2.0) * log8(u);
    v8d r;
    for (int j = 0; j < 8; j++) r[j] = __builtin_sqrt(l[j]);
    // theta = 2 pi v by exact octant reduction. v8 = v * 8 = bm * 2^-50 exactly, so the octant (int) v8 is bm >> 50
    // and f = v8 - octant is (bm mod 2^50) * 2^-50, both exact: the same values as the Java reference computes.
    v8l o = bm >> 50;
    v8d f = exact53(bm & tfl::splatl((1LL << 50) - 1)) * tfl::splat(0x1p-50);
    v8l odd = -(o & 1);
    v8d g = fromBits((bitsOf(tfl::splat(1.0) - f) & odd) | (bitsOf(f) & ~odd));
    v8d ang = g * PI_4;
    v8d s = ksin8(ang);
    v8d c = kcos8(ang);
    // (cos, sin) by octant: 0 (c, s), 1 (s, c), 2 (-s, c), 3 (-c, s), 4 (-c, -s), 5 (-s, -c), 6 (s, -c), 7 (c, -s).
    // Masks from the octant's bits (no compares): swap for o in {1,2,5,6}, cos negative for o in {2..5}, sin
    // negative for o in {4..7}; negation flips the sign bit, exactly like unary minus.
    v8l useS = -(((o + 1) >> 1) & 1);
    v8l cosSign = (v8l)((v8ul)(((o + 2) >> 2) & 1) << 63);
    v8l sinSign = (v8l)((v8ul)((o >> 2) & 1) << 63);
    v8l sb = bitsOf(s), cb = bitsOf(c);
    v8d cosv = fromBits(((sb & useS) | (cb & ~useS)) ^ cosSign);
    v8d sinv = fromBits(((cb & useS) | (sb & ~useS)) ^ sinSign);
    v8d n0 = r * cosv;
    v8d n1 = r * sinv;
    for (int j = 0; j < 8; j++) {
      out[8 * j + 2 * p] = n0[j];
      out[8 * j + 2 * p + 1] = n1[j];
    }
  }
}

// Evaluates one of the vector elementary functions on n arguments (for tests).
TFL_CLONES void elementary(int which, const double* x, double* out, long n) {
  for (long i = 0; i < n; i += 8) {
    v8d v = tfl::splat(which == 0 ? 1.0 : 0.0);
    long m = std::min<long>(8, n - i);
    for (long j = 0; j < m; j++) v[j] = x[i + j];
    v8d r = which == 0 ? log8(v) : which == 1 ? ksin8(v) : kcos8(v);
    for (long j = 0; j < m; j++) out[i + j] = r[j];
  }
}

// Normals first .. first+n-1 into out (add: out += stddev * z).
void generateRange(const uint32_t* key, uint64_t nonce, uint64_t first, double* out, long n, double stddev, bool add) {
  double buf[64];
  uint64_t index = first;
  long written = 0;
  while (written < n) {
    uint64_t counter = index >> 3;
    int slot = static_cast<int>(index & 7);
    normals8Blocks(key, counter, nonce, buf);
    long take = std::min<long>(64 - slot, n - written);
    if (add) {
      for (long s = 0; s < take; s++) out[written + s] = out[written + s] + stddev * buf[slot + s];
    } else {
      std::memcpy(out + written, buf + slot, take * sizeof(double));
    }
    written += take;
    index += static_cast<uint64_t>(take);
  }
}

}  // namespace

void tfl_gaussian(long long h, const int32_t* key, long long nonce, long long first, double* out, long long n,
    double stddev, int add) {
  tfl::Context* c = tfl::ctx(h);
  uint32_t k[8];
  std::memcpy(k, key, sizeof k);
  // About 40 ns per normal on one core: split work of more than ~16k normals across the pool.
  int T = static_cast<int>(std::min<long long>(c->pool.size(), n / 16384 + 1));
  c->pool.run(T, [&](int t) {
    // Split on multiples of 64 normals (8 blocks) relative to the first index, so ranges are independent.
    long long units = (n + 63) / 64;
    long long per = units / T, rem = units % T;
    long long u0 = t * per + std::min<long long>(t, rem);
    long long u1 = u0 + per + (t < rem ? 1 : 0);
    long long lo = std::min(n, u0 * 64), hi = std::min(n, u1 * 64);
    if (hi > lo) {
      generateRange(k, static_cast<uint64_t>(nonce), static_cast<uint64_t>(first) + static_cast<uint64_t>(lo),
          out + lo, hi - lo, stddev, add != 0);
    }
  });
}

void tfl_test_elementary(int which, const double* x, double* out, long long n) { elementary(which, x, out, n); }
