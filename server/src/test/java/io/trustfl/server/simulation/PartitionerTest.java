package io.trustfl.server.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PartitionerTest {
  static final int N = 6000;
  static final int L = 20;
  static final int K = 100;

  /** Labels with an uneven prior: label l has weight l + 1. */
  static int[] labels() {
    SplittableRandom r = new SplittableRandom(5);
    int[] labels = new int[N];
    int totalWeight = L * (L + 1) / 2;
    for (int i = 0; i < N; i++) {
      int u = r.nextInt(totalWeight);
      int l = 0;
      while (u >= l + 1) {
        u -= l + 1;
        l++;
      }
      labels[i] = l;
    }
    return labels;
  }

  static void assertValid(Partition p, int clients) {
    assertEquals(clients, p.numClients());
    assertEquals(N, p.totalExamples());
    p.requireExactCover(N);
  }

  static void assertDeterministic(Partitioner partitioner, int[] labels) {
    Partition a = partitioner.partition(labels, K, new SplittableRandom(99));
    Partition b = partitioner.partition(labels, K, new SplittableRandom(99));
    for (int i = 0; i < K; i++) {
      assertArrayEquals(a.client(i), b.client(i));
    }
  }

  @Test
  void iidCoversEveryExampleOnceWithBalancedSizes() {
    int[] labels = labels();
    Partition p = new IidPartitioner().partition(labels, K, new SplittableRandom(1));
    assertValid(p, K);
    for (int s : p.sizes()) {
      assertEquals(N / K, s);
    }
    assertDeterministic(new IidPartitioner(), labels);
  }

  @Test
  void labelSkewGrowsAsAlphaShrinks() {
    int[] labels = labels();
    double iid = new IidPartitioner().partition(labels, K, new SplittableRandom(1)).meanLabelEntropy(labels);
    double previous = Double.POSITIVE_INFINITY;
    double[] alphas = {100, 10, 1, 0.1, 0.01};
    double[] entropy = new double[alphas.length];
    for (int a = 0; a < alphas.length; a++) {
      Partition p = new DirichletLabelSkewPartitioner(alphas[a]).partition(labels, K, new SplittableRandom(2));
      assertValid(p, K);
      int[] sizes = p.sizes();
      for (int s : sizes) {
        assertEquals(N / K, s, "label skew keeps client sizes balanced");
      }
      entropy[a] = p.meanLabelEntropy(labels);
      assertTrue(entropy[a] < previous, "entropy must fall as alpha shrinks: " + java.util.Arrays.toString(entropy));
      previous = entropy[a];
    }
    // alpha = 100 is close to IID; alpha = 0.01 leaves clients with about one label.
    assertEquals(iid, entropy[0], 0.1 * iid);
    assertTrue(entropy[4] < 0.25 * iid, java.util.Arrays.toString(entropy) + " iid " + iid);
    assertDeterministic(new DirichletLabelSkewPartitioner(0.1), labels);
  }

  @Test
  void quantitySkewGrowsAsBetaShrinks() {
    int[] labels = labels();
    double[] betas = {10, 1, 0.1};
    double previousCv = -1;
    for (double beta : betas) {
      Partition p = new QuantitySkewPartitioner(beta, 2).partition(labels, K, new SplittableRandom(3));
      assertValid(p, K);
      double mean = (double) N / K;
      double var = 0;
      for (int s : p.sizes()) {
        assertTrue(s >= 2, "minimum per client");
        var += (s - mean) * (s - mean);
      }
      double cv = Math.sqrt(var / K) / mean;
      assertTrue(cv > previousCv, "size spread must grow as beta shrinks, beta " + beta + " cv " + cv);
      previousCv = cv;
    }
    assertDeterministic(new QuantitySkewPartitioner(0.5, 1), labels);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new QuantitySkewPartitioner(1, 100).partition(labels, K, new SplittableRandom(1)));
    assertEquals("100 clients with at least 100 examples each need 10000 examples, got 6000", e.getMessage());
  }

  @Test
  void clusterSkewUsesTheEmbeddingClusters() {
    // Four well-separated blobs in 8 dimensions, 1500 points each; labels independent of the blobs.
    SplittableRandom r = new SplittableRandom(8);
    float[][] emb = new float[N][8];
    int[] blob = new int[N];
    for (int i = 0; i < N; i++) {
      blob[i] = i % 4;
      for (int j = 0; j < 8; j++) {
        emb[i][j] = (float) ((j == blob[i] ? 10.0 : 0.0) + 0.3 * RandomDraws.normal(r));
      }
    }
    ClusterSkewPartitioner cs = new ClusterSkewPartitioner(emb, 4, 0.01);
    // k-means++ recovers the blobs exactly (up to renaming).
    int[] clusters = cs.clusters(new SplittableRandom(4));
    int[] nameOf = {-1, -1, -1, -1};
    for (int i = 0; i < N; i++) {
      if (nameOf[blob[i]] == -1) {
        nameOf[blob[i]] = clusters[i];
      }
      assertEquals(nameOf[blob[i]], clusters[i], "point " + i);
    }
    int[] labels = labels();
    Partition p = cs.partition(labels, K, new SplittableRandom(6));
    assertValid(p, K);
    // Clients are dominated by one blob (some spill over when a blob's pool runs out); the independent labels
    // stay mixed.
    double iidBlob = new IidPartitioner().partition(labels, K, new SplittableRandom(1)).meanLabelEntropy(blob);
    assertTrue(iidBlob > 1.2, "IID clients see all four blobs: " + iidBlob);
    assertTrue(p.meanLabelEntropy(blob) < 0.25 * iidBlob, "blob entropy " + p.meanLabelEntropy(blob));
    assertTrue(p.meanLabelEntropy(labels) > 2.0, "labels stay mixed: " + p.meanLabelEntropy(labels));
    assertThrows(IllegalArgumentException.class,
        () -> new ClusterSkewPartitioner(new float[10][2], 2, 1).partition(labels, K, new SplittableRandom(1)));
  }

  @Test
  void naturalSplitGroupsByUser() {
    String[] users = {"ann", "bob", "ann", "cy", "bob", "ann"};
    Partition p = NaturalPartitioner.byUser(users);
    assertEquals(List.of("ann", "bob", "cy"), p.clientIds());
    assertArrayEquals(new int[] {0, 2, 5}, p.client(0));
    assertArrayEquals(new int[] {1, 4}, p.client(1));
    assertArrayEquals(new int[] {3}, p.client(2));
    p.requireExactCover(users.length);
    var e = assertThrows(IllegalArgumentException.class, () -> NaturalPartitioner.byUser(new String[] {"a", null}));
    assertTrue(e.getMessage().startsWith("example 1 has no user"), e.getMessage());
  }

  @Test
  void exactCoverDetectsLossAndDuplication() {
    Partition dup = Partition.of(List.of(new int[] {0, 1}, new int[] {1}));
    assertThrows(IllegalStateException.class, () -> dup.requireExactCover(2));
    Partition lost = Partition.of(List.of(new int[] {0}, new int[] {}));
    assertThrows(IllegalStateException.class, () -> lost.requireExactCover(2));
  }

  @Test
  void argumentsAreValidated() {
    int[] labels = {0, 1, 0};
    var e = assertThrows(IllegalArgumentException.class,
        () -> new IidPartitioner().partition(labels, 4, new SplittableRandom(1)));
    assertEquals("numClients must be in [1, 3] (the number of examples), got 4", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new DirichletLabelSkewPartitioner(0));
    assertThrows(IllegalArgumentException.class,
        () -> new IidPartitioner().partition(new int[] {0, -1}, 1, new SplittableRandom(1)));
  }

  @Test
  void gammaAndDirichletDrawsHaveTheRightMeans() {
    SplittableRandom r = new SplittableRandom(21);
    int draws = 20_000;
    for (double shape : new double[] {0.3, 1.0, 4.5}) {
      double s = 0;
      for (int i = 0; i < draws; i++) {
        s += Math.exp(RandomDraws.logGamma(shape, r));
      }
      // Gamma(shape, 1) has mean and variance = shape.
      assertEquals(shape, s / draws, 5 * Math.sqrt(shape / draws), "shape " + shape);
    }
    double[] alphas = {0.5, 1.5, 3.0};
    double[] mean = new double[3];
    for (int i = 0; i < draws; i++) {
      double[] p = RandomDraws.dirichlet(alphas, r);
      for (int j = 0; j < 3; j++) {
        mean[j] += p[j] / draws;
      }
    }
    assertArrayEquals(new double[] {0.1, 0.3, 0.6}, mean, 0.01);
    // Tiny concentrations (alpha * p ~ 1e-5) stay finite and normalized.
    double[] tiny = RandomDraws.dirichlet(new double[] {1e-5, 1e-5, 1e-5}, r);
    assertEquals(1.0, tiny[0] + tiny[1] + tiny[2], 1e-12);
  }
}
