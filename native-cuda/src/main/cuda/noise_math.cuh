/*
 * ChaCha20 Gaussian noise exactly as docs/NOISE.md specifies it, for the GPU and for the CPU reference of the
 * native test driver: the same source is compiled for both (TFC_HD = __host__ __device__ under nvcc).
 *
 * log, and the sine and cosine kernels, are transcriptions of fdlibm 5.3 (e_log.c, k_sin.c, k_cos.c), the same
 * algorithms as io.trustfl.privacy.PortableMath:
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 *
 * Bit-exactness needs IEEE binary64 with round-to-nearest and no contraction: nvcc --fmad=false, host compiler
 * -ffp-contract=off on SSE2 (never x87).
 */
#ifndef TRUSTFL_NOISE_MATH_CUH
#define TRUSTFL_NOISE_MATH_CUH

#include <stdint.h>
#include <string.h>
#include <math.h>

#if defined(__CUDACC__)
#define TFC_HD __host__ __device__ __forceinline__
#else
#define TFC_HD static inline
#endif

namespace tfc {

TFC_HD uint64_t bitsOf(double x) {
#if defined(__CUDA_ARCH__)
  return (uint64_t)__double_as_longlong(x);
#else
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
#endif
}

TFC_HD double fromBits(uint64_t b) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double((long long)b);
#else
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
#endif
}

TFC_HD double ieeeSqrt(double x) {
#if defined(__CUDA_ARCH__)
  return __dsqrt_rn(x);  // correctly rounded, as IEEE-754 requires
#else
  return sqrt(x);
#endif
}

TFC_HD uint32_t rotl32(uint32_t v, int c) { return (v << c) | (v >> (32 - c)); }

#define TFC_QR(a, b, c, d)                     \
  a += b; d = rotl32(d ^ a, 16);               \
  c += d; b = rotl32(b ^ c, 12);               \
  a += b; d = rotl32(d ^ a, 8);                \
  c += d; b = rotl32(b ^ c, 7);

/** RFC 8439 §2.3 block function; words 12-13 = 64-bit counter (low first), 14-15 = 64-bit nonce. */
TFC_HD void chachaBlock(const uint32_t key[8], uint64_t counter, uint64_t nonce, uint32_t out[16]) {
  uint32_t in[16] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u,
                     key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
                     (uint32_t)counter, (uint32_t)(counter >> 32), (uint32_t)nonce, (uint32_t)(nonce >> 32)};
  uint32_t x[16];
  for (int i = 0; i < 16; i++) x[i] = in[i];
  for (int round = 0; round < 10; round++) {
    TFC_QR(x[0], x[4], x[8], x[12]);
    TFC_QR(x[1], x[5], x[9], x[13]);
    TFC_QR(x[2], x[6], x[10], x[14]);
    TFC_QR(x[3], x[7], x[11], x[15]);
    TFC_QR(x[0], x[5], x[10], x[15]);
    TFC_QR(x[1], x[6], x[11], x[12]);
    TFC_QR(x[2], x[7], x[8], x[13]);
    TFC_QR(x[3], x[4], x[9], x[14]);
  }
  for (int i = 0; i < 16; i++) out[i] = x[i] + in[i];
}
#undef TFC_QR

/** fdlibm __ieee754_log. */
TFC_HD double fdlibmLog(double x) {
  const double ln2_hi = 6.93147180369123816490e-01; /* 3fe62e42 fee00000 */
  const double ln2_lo = 1.90821492927058770002e-10; /* 3dea39ef 35793c76 */
  const double two54 = 1.80143985094819840000e+16;  /* 43500000 00000000 */
  const double Lg1 = 6.666666666666735130e-01;      /* 3FE55555 55555593 */
  const double Lg2 = 3.999999999940941908e-01;      /* 3FD99999 9997FA04 */
  const double Lg3 = 2.857142874366239149e-01;      /* 3FD24924 94229359 */
  const double Lg4 = 2.222219843214978396e-01;      /* 3FCC71C5 1D8E78AF */
  const double Lg5 = 1.818357216161805012e-01;      /* 3FC74664 96CB03DE */
  const double Lg6 = 1.531383769920937332e-01;      /* 3FC39A09 D078C69F */
  const double Lg7 = 1.479819860511658591e-01;      /* 3FC2F112 DF3E5244 */
  uint64_t bits = bitsOf(x);
  int32_t hx = (int32_t)(bits >> 32);
  uint32_t lx = (uint32_t)bits;
  int32_t k = 0;
  if (hx < 0x00100000) { /* x < 2**-1022 */
    if (((hx & 0x7fffffff) | lx) == 0) return -HUGE_VAL; /* log(+-0) = -inf (fdlibm: -two54/zero) */
    if (hx < 0) return nan("");                                 /* log(-#) = NaN (fdlibm: (x-x)/zero) */
    k -= 54;
    x *= two54; /* subnormal number, scale up x */
    bits = bitsOf(x);
    hx = (int32_t)(bits >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  int32_t i = (hx + 0x95f64) & 0x100000;
  x = fromBits(((uint64_t)(uint32_t)(hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffffull)); /* normalize x or x/2 */
  k += (i >> 20);
  double f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) { /* |f| < 2**-20 */
    if (f == 0.0) {
      if (k == 0) return 0.0;
      double dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    double R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    double dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  double s = f / (2.0 + f);
  double dk = (double)k;
  double z = s * s;
  i = hx - 0x6147a;
  double w = z * z;
  int32_t j = 0x6b851 - hx;
  double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  double R = t2 + t1;
  if (i > 0) {
    double hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

/** fdlibm __kernel_sin(x, 0, 0), |x| <= pi/4. */
TFC_HD double kernelSin(double x) {
  const double S1 = -1.66666666666666324348e-01; /* 0xBFC55555, 0x55555549 */
  const double S2 = 8.33333333332248946124e-03;  /* 0x3F811111, 0x1110F8A6 */
  const double S3 = -1.98412698298579493134e-04; /* 0xBF2A01A0, 0x19C161D5 */
  const double S4 = 2.75573137070700676789e-06;  /* 0x3EC71DE3, 0x57B1FE7D */
  const double S5 = -2.50507602534068634195e-08; /* 0xBE5AE5E6, 0x8A2B9CEB */
  const double S6 = 1.58969099521155010221e-10;  /* 0x3DE5D93A, 0x5ACFD57C */
  int32_t ix = (int32_t)(bitsOf(x) >> 32) & 0x7fffffff;
  if (ix < 0x3e400000) return x; /* |x| < 2**-27 */
  double z = x * x;
  double v = z * x;
  double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x + v * (S1 + z * r);
}

/** fdlibm __kernel_cos(x, 0), |x| <= pi/4. */
TFC_HD double kernelCos(double x) {
  const double C1 = 4.16666666666666019037e-02;  /* 0x3FA55555, 0x5555554C */
  const double C2 = -1.38888888888741095749e-03; /* 0xBF56C16C, 0x16C15177 */
  const double C3 = 2.48015872894767294178e-05;  /* 0x3EFA01A0, 0x19CB1590 */
  const double C4 = -2.75573143513906633035e-07; /* 0xBE927E4F, 0x809C52AD */
  const double C5 = 2.08757232129817482790e-09;  /* 0x3E21EE9E, 0xBDB4B1C4 */
  const double C6 = -1.13596475577881948265e-11; /* 0xBDA8FAE9, 0xBE8838D4 */
  int32_t ix = (int32_t)(bitsOf(x) >> 32) & 0x7fffffff;
  if (ix < 0x3e400000) return 1.0; /* |x| < 2**-27 */
  double z = x * x;
  double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3FD33333) return 1.0 - (0.5 * z - z * r); /* |x| < 0.3 */
  double qx;
  if (ix > 0x3fe90000) {
    qx = 0.28125; /* |x| > 0.78125 */
  } else {
    qx = fromBits((uint64_t)(uint32_t)(ix - 0x00200000) << 32); /* x/4 */
  }
  double hz = 0.5 * z - qx;
  double a = 1.0 - qx;
  return a - (hz - z * r);
}

/** The eight normals of one ChaCha20 block (docs/NOISE.md §3). */
TFC_HD void blockToNormals(const uint32_t w[16], double out[8]) {
  const double twoPowMinus53 = 0x1p-53;
  const double pi4 = 0x1.921fb54442d18p-1; /* 0x3FE921FB54442D18, pi/4 rounded */
  for (int p = 0; p < 4; p++) {
    uint64_t a = (uint64_t)w[4 * p] | ((uint64_t)w[4 * p + 1] << 32);
    uint64_t b = (uint64_t)w[4 * p + 2] | ((uint64_t)w[4 * p + 3] << 32);
    double u = 1.0 - (double)(a >> 11) * twoPowMinus53;
    double v = (double)(b >> 11) * twoPowMinus53;
    double r = ieeeSqrt(-2.0 * fdlibmLog(u));
    double v8 = v * 8.0;
    int octant = (int)v8;
    double f = v8 - (double)octant;
    double g = (octant & 1) == 0 ? f : 1.0 - f;
    double x = g * pi4;
    double s = kernelSin(x);
    double c = kernelCos(x);
    double cs, sn;
    switch (octant) {
      case 0: cs = c; sn = s; break;
      case 1: cs = s; sn = c; break;
      case 2: cs = -s; sn = c; break;
      case 3: cs = -c; sn = s; break;
      case 4: cs = -c; sn = -s; break;
      case 5: cs = -s; sn = -c; break;
      case 6: cs = s; sn = -c; break;
      default: cs = c; sn = -s; break;
    }
    out[2 * p] = r * cs;
    out[2 * p + 1] = r * sn;
  }
}

/**
 * The work of GPU thread t of the noise kernel: ChaCha20 block number t of the request (the first block may start
 * mid-block: slot first & 7), written to out[k] for the normals k of that block that lie in [0, count). add == 0:
 * out[k] = z; otherwise out[k] = out[k] + stddev * z. Indexes wrap modulo 2^64 (NOISE.md §5). Shared with the host
 * so that the index arithmetic is tested without a GPU.
 */
TFC_HD void gaussianThread(long long t, const uint32_t key[8], uint64_t nonce, uint64_t first, long long count,
                           double stddev, int add, double* out) {
  int s0 = (int)(first & 7);
  long long kStart = t * 8 - s0;
  long long kEnd = kStart + 8;
  if (kStart < 0) kStart = 0;
  if (kEnd > count) kEnd = count;
  if (kStart >= kEnd) return;
  uint64_t counter = (first + (uint64_t)kStart) >> 3;
  uint32_t w[16];
  double z[8];
  chachaBlock(key, counter, nonce, w);
  blockToNormals(w, z);
  for (long long k = kStart; k < kEnd; k++) {
    int slot = (int)((s0 + k) & 7);
    out[k] = add ? out[k] + stddev * z[slot] : z[slot];
  }
}

/** Number of threads (ChaCha20 blocks) gaussianThread needs for a request. */
TFC_HD long long gaussianThreads(uint64_t first, long long count) { return ((long long)(first & 7) + count + 7) / 8; }

}  // namespace tfc

#endif
