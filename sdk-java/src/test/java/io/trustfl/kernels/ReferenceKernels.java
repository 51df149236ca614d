package io.trustfl.kernels;

/**
 * Straightforward double-precision reference implementations written independently of {@link JavaKernels}: plain
 * loops, explicit per-example gradients for the linear layer, no ghost identities. Shared by the backend tests of
 * every module through test-jar reuse or copying.
 */
final class ReferenceKernels {
  private ReferenceKernels() {}

  /** Σ_i w_i·min(1, C/‖g_i‖)·g_i over rows whose elements and weight are finite; norms[i] = ‖g_i‖ or NaN. */
  static double[] clipSum(float[] rows, int b, int d, float[] weights, double c, double[] norms) {
    return clipSum(rows, b, d, weights, c, norms, new double[d]);
  }

  /**
   * As {@link #clipSum(float[], int, int, float[], double, double[])}, also writing Σ_i |w_i·f_i·g_ij| to
   * {@code absSum}: the scale against which a summation's rounding error is bounded.
   */
  static double[] clipSum(float[] rows, int b, int d, float[] weights, double c, double[] norms, double[] absSum) {
    double[] sum = new double[d];
    for (int i = 0; i < b; i++) {
      boolean finite = true;
      double ss = 0;
      for (int j = 0; j < d; j++) {
        float x = rows[i * d + j];
        finite &= Float.isFinite(x);
        ss += (double) x * x;
      }
      double w = weights == null ? 1.0 : weights[i];
      norms[i] = finite ? Math.sqrt(ss) : Double.NaN;
      if (!finite || !Double.isFinite(w)) {
        continue;
      }
      double n = Math.sqrt(ss);
      double f = n > c ? c / n : 1.0;
      for (int j = 0; j < d; j++) {
        sum[j] += w * f * rows[i * d + j];
        absSum[j] += Math.abs(w * f * rows[i * d + j]);
      }
    }
    return sum;
  }

  /** Explicit per-example gradient of a linear layer: W-part [in×out] then bias [out], as one flat vector. */
  static double[] perExampleGrad(float[] a, float[] g, int example, LinearShape s) {
    double[] grad = new double[s.in() * s.out() + (s.bias() ? s.out() : 0)];
    for (int t = 0; t < s.seq(); t++) {
      int ab = (example * s.seq() + t) * s.in();
      int gb = (example * s.seq() + t) * s.out();
      for (int i = 0; i < s.in(); i++) {
        for (int o = 0; o < s.out(); o++) {
          grad[i * s.out() + o] += (double) a[ab + i] * g[gb + o];
        }
      }
      if (s.bias()) {
        for (int o = 0; o < s.out(); o++) {
          grad[s.in() * s.out() + o] += g[gb + o];
        }
      }
    }
    return grad;
  }

  static double squaredNorm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return s;
  }
}
