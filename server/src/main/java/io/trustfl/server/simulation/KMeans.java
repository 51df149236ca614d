package io.trustfl.server.simulation;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * k-means with k-means++ seeding (Arthur &amp; Vassilvitskii 2007) and Lloyd iterations, in double precision.
 * Deterministic for a given random seed. Not thread-safe (use one instance per thread); the result is immutable.
 */
public final class KMeans {
  private final int k;
  private final int maxIterations;

  /**
   * @param k clusters, ≥ 1
   * @param maxIterations Lloyd iterations at most, ≥ 1 (stops earlier when no assignment changes)
   */
  public KMeans(int k, int maxIterations) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
    }
    this.k = k;
    this.maxIterations = maxIterations;
  }

  /**
   * Clusters points.
   *
   * @param points n ≥ k rows of equal length d ≥ 1, finite
   * @return the cluster (0 … k−1) of each point
   */
  public int[] cluster(float[][] points, SplittableRandom random) {
    Objects.requireNonNull(points, "points");
    int n = points.length;
    if (n < k) {
      throw new IllegalArgumentException("need at least k = " + k + " points, got " + n);
    }
    int d = points[0].length;
    if (d < 1) {
      throw new IllegalArgumentException("points must have dimension >= 1, got 0");
    }
    for (int i = 0; i < n; i++) {
      if (points[i].length != d) {
        throw new IllegalArgumentException("all points must have dimension " + d + ", point " + i + " has "
            + points[i].length);
      }
      for (float v : points[i]) {
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("point " + i + " has a non-finite coordinate");
        }
      }
    }
    double[][] centers = seed(points, random);
    int[] assign = new int[n];
    java.util.Arrays.fill(assign, -1);
    double[] dist = new double[n];
    for (int it = 0; it < maxIterations; it++) {
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double dd = squaredDistance(points[i], centers[c]);
          if (dd < bestD) {
            bestD = dd;
            best = c;
          }
        }
        dist[i] = bestD;
        if (assign[i] != best) {
          assign[i] = best;
          changed = true;
        }
      }
      if (!changed) {
        break;
      }
      double[][] sums = new double[k][d];
      int[] counts = new int[k];
      for (int i = 0; i < n; i++) {
        counts[assign[i]]++;
        for (int j = 0; j < d; j++) {
          sums[assign[i]][j] += points[i][j];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] == 0) {
          // An empty cluster takes the point farthest from its center.
          int far = 0;
          for (int i = 1; i < n; i++) {
            if (dist[i] > dist[far]) {
              far = i;
            }
          }
          dist[far] = 0;
          for (int j = 0; j < d; j++) {
            centers[c][j] = points[far][j];
          }
        } else {
          for (int j = 0; j < d; j++) {
            centers[c][j] = sums[c][j] / counts[c];
          }
        }
      }
    }
    return assign;
  }

  private double[][] seed(float[][] points, SplittableRandom random) {
    int n = points.length;
    int d = points[0].length;
    double[][] centers = new double[k][d];
    double[] minD = new double[n];
    int first = random.nextInt(n);
    copy(points[first], centers[0]);
    for (int i = 0; i < n; i++) {
      minD[i] = squaredDistance(points[i], centers[0]);
    }
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (double v : minD) {
        total += v;
      }
      int pick;
      if (total <= 0) {
        pick = random.nextInt(n);
      } else {
        double u = random.nextDouble() * total;
        pick = n - 1;
        for (int i = 0; i < n; i++) {
          u -= minD[i];
          if (u < 0) {
            pick = i;
            break;
          }
        }
      }
      copy(points[pick], centers[c]);
      for (int i = 0; i < n; i++) {
        minD[i] = Math.min(minD[i], squaredDistance(points[i], centers[c]));
      }
    }
    return centers;
  }

  private static void copy(float[] from, double[] to) {
    for (int j = 0; j < from.length; j++) {
      to[j] = from[j];
    }
  }

  private static double squaredDistance(float[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      double t = a[j] - b[j];
      s += t * t;
    }
    return s;
  }
}
