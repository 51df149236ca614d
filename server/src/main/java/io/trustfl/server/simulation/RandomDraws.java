package io.trustfl.server.simulation;

import java.util.SplittableRandom;

/** Gamma, Dirichlet, normal draws and shuffles from a {@link SplittableRandom} (simulation only, not DP noise). */
final class RandomDraws {
  private RandomDraws() {}

  /** A standard normal by Box–Muller (one of the pair; simplicity over speed). */
  static double normal(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble(); // (0, 1]
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * log of a Gamma(shape, 1) draw. Marsaglia & Tsang (2000) for shape ≥ 1; for shape &lt; 1 the boost
   * {@code G(a) = G(a+1)·U^(1/a)} in log space, which stays finite for tiny shapes (α·p ≈ 1e-4 in label skew)
   * where {@code U^(1/a)} underflows to 0.
   */
  static double logGamma(double shape, SplittableRandom r) {
    if (!(shape > 0) || Double.isInfinite(shape)) {
      throw new IllegalArgumentException("gamma shape must be finite and > 0, got " + shape);
    }
    if (shape < 1) {
      double u = 1.0 - r.nextDouble();
      return logGamma(shape + 1, r) + Math.log(u) / shape;
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = normal(r);
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = 1.0 - r.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return Math.log(d * v);
      }
    }
  }

  /** A Dirichlet(alphas) draw; components with alpha 0 get probability 0. */
  static double[] dirichlet(double[] alphas, SplittableRandom r) {
    double[] logs = new double[alphas.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < alphas.length; i++) {
      logs[i] = alphas[i] > 0 ? logGamma(alphas[i], r) : Double.NEGATIVE_INFINITY;
      max = Math.max(max, logs[i]);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("a Dirichlet needs at least one positive concentration");
    }
    double sum = 0;
    double[] p = new double[alphas.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logs[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Fisher–Yates shuffle in place. */
  static void shuffle(int[] a, SplittableRandom r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** 0 … n−1 shuffled. */
  static int[] permutation(int n, SplittableRandom r) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    shuffle(a, r);
    return a;
  }

  /** n split into k near-equal sizes (the first n mod k get one more). */
  static int[] balancedSizes(int n, int k) {
    int[] s = new int[k];
    for (int i = 0; i < k; i++) {
      s[i] = n / k + (i < n % k ? 1 : 0);
    }
    return s;
  }

  /** Consecutive slices of {@code order} with the given sizes. */
  static java.util.List<int[]> slices(int[] order, int[] sizes) {
    java.util.List<int[]> out = new java.util.ArrayList<>(sizes.length);
    int off = 0;
    for (int s : sizes) {
      out.add(java.util.Arrays.copyOfRange(order, off, off + s));
      off += s;
    }
    return out;
  }
}
