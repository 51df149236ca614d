package io.trustfl.fairness;

import java.util.List;
import java.util.SplittableRandom;
import org.hipparchus.special.Erf;

/**
 * Embedding association tests: WEAT/SEAT effect size and one-sided permutation p-value (Caliskan et al. 2017;
 * May et al. 2019, following sent-bias's {@code weat.py}), and the CEAT random-effects combination over many
 * contextual samples (Guo and Caliskan 2021). Stateless and thread-safe; vectors are never modified.
 *
 * <p>s(w,A,B) = mean_{a∈A} cos(w,a) − mean_{b∈B} cos(w,b). The permutation test is exact (every re-partition of
 * X∪Y into sets of sizes |X| and |Y|) when their number C(|X|+|Y|, |X|) is at most the sample cap, else that many
 * re-partitions are drawn uniformly with a seeded generator (the partition randomness is not privacy noise).
 */
public final class AssociationTests {
  /** sent-bias's cap: the exact test runs when C(|X|+|Y|, |X|) ≤ this, else this many partitions are sampled. */
  public static final long DEFAULT_PARTITIONS = 100_000;

  private AssociationTests() {}

  /** WEAT/SEAT with the default cap and seed 0. */
  public static WeatResult weat(List<float[]> x, List<float[]> y, List<float[]> a, List<float[]> b) {
    return weat(x, y, a, b, DEFAULT_PARTITIONS, 0L);
  }

  /**
   * Runs one association test.
   *
   * @param x target set X (at least 1 vector); {@code y}, {@code a}, {@code b} likewise, all of one dimension
   * @param maxPartitions exact test when C(|X|+|Y|,|X|) ≤ this, else this many sampled re-partitions (≥ 1)
   * @param seed seed of the sampled test
   * @throws IllegalArgumentException for empty sets, mismatched dimensions, a zero vector or non-finite values
   */
  public static WeatResult weat(List<float[]> x, List<float[]> y, List<float[]> a, List<float[]> b,
      long maxPartitions, long seed) {
    if (maxPartitions < 1) {
      throw new IllegalArgumentException("maxPartitions must be >= 1, got " + maxPartitions);
    }
    int dim = checkSet("X", x, -1);
    checkSet("Y", y, dim);
    checkSet("A", a, dim);
    checkSet("B", b, dim);
    if (x.size() + y.size() < 3) {
      throw new IllegalArgumentException("X and Y need at least 3 vectors together for a sample std, got "
          + (x.size() + y.size()));
    }
    double[][] an = normalized(a);
    double[][] bn = normalized(b);
    int nx = x.size();
    int n = nx + y.size();
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      float[] w = i < nx ? x.get(i) : y.get(i - nx);
      s[i] = association(unit(w), an, bn);
    }
    double effect = effectSize(s, nx);
    double variance = sampleVariance(s);
    double total = 0;
    double observed = 0;
    for (int i = 0; i < n; i++) {
      total += s[i];
      if (i < nx) {
        observed += s[i];
      }
    }
    // Statistic Σ_Xi s − Σ_Yi s = 2·Σ_Xi s − total is monotone in Σ_Xi s; compare sums with a tolerance of a few
    // ulps of the magnitudes so that a partition equal to the observed one (in another order) counts as ≥.
    double absSum = 0;
    for (double v : s) {
      absSum += Math.abs(v);
    }
    double tol = 1e-12 * absSum;
    double binom = binomial(n, nx);
    long count = 0;
    long partitions;
    boolean exact = binom <= maxPartitions;
    if (exact) {
      partitions = Math.round(binom);
      int[] idx = new int[nx];
      for (int i = 0; i < nx; i++) {
        idx[i] = i;
      }
      while (true) {
        double sum = 0;
        for (int i : idx) {
          sum += s[i];
        }
        if (sum >= observed - tol) {
          count++;
        }
        int k = nx - 1;
        while (k >= 0 && idx[k] == n - nx + k) {
          k--;
        }
        if (k < 0) {
          break;
        }
        idx[k]++;
        for (int j = k + 1; j < nx; j++) {
          idx[j] = idx[j - 1] + 1;
        }
      }
    } else {
      partitions = maxPartitions;
      SplittableRandom rng = new SplittableRandom(seed);
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      for (long p = 0; p < partitions; p++) {
        double sum = 0;
        for (int i = 0; i < nx; i++) {
          int j = i + rng.nextInt(n - i);
          int t = perm[i];
          perm[i] = perm[j];
          perm[j] = t;
          sum += s[perm[i]];
        }
        if (sum >= observed - tol) {
          count++;
        }
      }
    }
    return new WeatResult(effect, (double) count / partitions, exact, partitions, variance);
  }

  /**
   * CEAT: draws {@code samples} sets of contextual embeddings, one random context per word, computes each sample's
   * effect size ES_i and in-sample variance v_i (the sample variance of s(w,A,B) over X∪Y), and combines them with
   * {@link #randomEffects(double[], double[])}.
   *
   * @param x for each word of X, its contextual embeddings (at least one per word); likewise {@code y}, {@code a},
   *     {@code b}
   * @param samples N ≥ 2
   * @param seed seed of the context draws
   */
  public static CeatResult ceat(List<List<float[]>> x, List<List<float[]>> y, List<List<float[]>> a,
      List<List<float[]>> b, int samples, long seed) {
    if (samples < 2) {
      throw new IllegalArgumentException("samples must be >= 2, got " + samples);
    }
    for (List<List<float[]>> set : List.of(x, y, a, b)) {
      for (List<float[]> contexts : set) {
        if (contexts.isEmpty()) {
          throw new IllegalArgumentException("every word needs at least one context embedding");
        }
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] es = new double[samples];
    double[] v = new double[samples];
    for (int i = 0; i < samples; i++) {
      List<float[]> sx = draw(x, rng);
      List<float[]> sy = draw(y, rng);
      List<float[]> sa = draw(a, rng);
      List<float[]> sb = draw(b, rng);
      double[][] an = normalized(sa);
      double[][] bn = normalized(sb);
      double[] s = new double[sx.size() + sy.size()];
      for (int j = 0; j < s.length; j++) {
        s[j] = association(unit(j < sx.size() ? sx.get(j) : sy.get(j - sx.size())), an, bn);
      }
      es[i] = effectSize(s, sx.size());
      v[i] = sampleVariance(s);
    }
    return randomEffects(es, v);
  }

  /**
   * DerSimonian–Laird random-effects combination of effect sizes with within-sample variances (REFERENCES §4).
   *
   * @param effectSizes ES_i, at least 2, finite
   * @param variances v_i &gt; 0, same length
   */
  public static CeatResult randomEffects(double[] effectSizes, double[] variances) {
    if (effectSizes.length != variances.length) {
      throw new IllegalArgumentException("effectSizes and variances must have one length, got "
          + effectSizes.length + " and " + variances.length);
    }
    int n = effectSizes.length;
    if (n < 2) {
      throw new IllegalArgumentException("randomEffects needs at least 2 samples, got " + n);
    }
    double sw = 0;
    double sw2 = 0;
    double swe = 0;
    double swe2 = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(effectSizes[i])) {
        throw new IllegalArgumentException("effectSizes[" + i + "] must be finite, got " + effectSizes[i]);
      }
      if (!(variances[i] > 0) || Double.isInfinite(variances[i])) {
        throw new IllegalArgumentException("variances[" + i + "] must be finite and > 0, got " + variances[i]);
      }
      double w = 1 / variances[i];
      sw += w;
      sw2 += w * w;
      swe += w * effectSizes[i];
      swe2 += w * effectSizes[i] * effectSizes[i];
    }
    double q = swe2 - swe * swe / sw;
    double tau2 = Math.max(0, (q - (n - 1)) / (sw - sw2 / sw));
    double sws = 0;
    double swse = 0;
    for (int i = 0; i < n; i++) {
      double w = 1 / (variances[i] + tau2);
      sws += w;
      swse += w * effectSizes[i];
    }
    double ces = swse / sws;
    double se = Math.sqrt(1 / sws);
    double p = 0.5 * Erf.erfc(ces / se / Math.sqrt(2));
    return new CeatResult(ces, se, p, tau2, q, n);
  }

  /** Cosine similarity of two vectors of one dimension (neither zero). */
  public static double cosine(float[] u, float[] v) {
    if (u.length != v.length) {
      throw new IllegalArgumentException("vectors must have one dimension, got " + u.length + " and " + v.length);
    }
    double[] a = unit(u);
    double[] b = unit(v);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d += a[i] * b[i];
    }
    return d;
  }

  private static List<float[]> draw(List<List<float[]>> words, SplittableRandom rng) {
    java.util.ArrayList<float[]> out = new java.util.ArrayList<>(words.size());
    for (List<float[]> contexts : words) {
      out.add(contexts.get(rng.nextInt(contexts.size())));
    }
    return out;
  }

  private static double effectSize(double[] s, int nx) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < s.length; i++) {
      if (i < nx) {
        mx += s[i];
      } else {
        my += s[i];
      }
    }
    mx /= nx;
    my /= s.length - nx;
    double sd = Math.sqrt(sampleVariance(s));
    return (mx - my) / sd;
  }

  private static double sampleVariance(double[] s) {
    double m = 0;
    for (double v : s) {
      m += v;
    }
    m /= s.length;
    double ss = 0;
    for (double v : s) {
      ss += (v - m) * (v - m);
    }
    return ss / (s.length - 1);
  }

  private static double association(double[] w, double[][] a, double[][] b) {
    return meanDot(w, a) - meanDot(w, b);
  }

  private static double meanDot(double[] w, double[][] set) {
    double total = 0;
    for (double[] v : set) {
      double d = 0;
      for (int i = 0; i < w.length; i++) {
        d += w[i] * v[i];
      }
      total += d;
    }
    return total / set.length;
  }

  private static double[][] normalized(List<float[]> set) {
    double[][] out = new double[set.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = unit(set.get(i));
    }
    return out;
  }

  private static double[] unit(float[] v) {
    double ss = 0;
    for (float f : v) {
      if (!Float.isFinite(f)) {
        throw new IllegalArgumentException("embedding values must be finite, got " + f);
      }
      ss += (double) f * f;
    }
    if (ss == 0) {
      throw new IllegalArgumentException("a zero vector has no cosine similarity");
    }
    double norm = Math.sqrt(ss);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / norm;
    }
    return out;
  }

  private static int checkSet(String name, List<float[]> set, int dim) {
    if (set == null || set.isEmpty()) {
      throw new IllegalArgumentException("set " + name + " must hold at least one vector");
    }
    int d = dim < 0 ? set.get(0).length : dim;
    for (float[] v : set) {
      if (v.length != d) {
        throw new IllegalArgumentException("set " + name + ": every vector must have dimension " + d + ", got "
            + v.length);
      }
    }
    return d;
  }

  /** C(n, k) as a double (rounded; exact while it stays below 2^53, which covers every exact test). */
  static double binomial(int n, int k) {
    double r = 1;
    for (int i = 1; i <= k; i++) {
      r = r * (n - k + i) / i;
    }
    return Math.rint(r);
  }
}
