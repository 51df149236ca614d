package io.trustfl.server.simulation;

import java.util.SplittableRandom;

/**
 * Feature ("cluster") skew (FedNLP): k-means on the examples' sentence embeddings, then Dirichlet label skew with
 * the cluster ids in place of the labels, so each client holds examples from few regions of the embedding space.
 * FedNLP uses 10, 30 or 50 clusters.
 */
public final class ClusterSkewPartitioner implements Partitioner {
  private final float[][] embeddings;
  private final KMeans kmeans;
  private final DirichletLabelSkewPartitioner labelSkew;

  /**
   * @param embeddings one embedding per example (not copied; must not change while in use)
   * @param clusters k, ≥ 1
   * @param alpha Dirichlet concentration over clusters, finite and &gt; 0
   */
  public ClusterSkewPartitioner(float[][] embeddings, int clusters, double alpha) {
    this.embeddings = java.util.Objects.requireNonNull(embeddings, "embeddings");
    this.kmeans = new KMeans(clusters, 100);
    this.labelSkew = new DirichletLabelSkewPartitioner(alpha);
  }

  /** The cluster of each example (k-means++ with the given randomness). */
  public int[] clusters(SplittableRandom random) {
    return kmeans.cluster(embeddings, random);
  }

  /** Partitions by cluster; {@code labels} is used only for its length (the examples' count). */
  @Override
  public Partition partition(int[] labels, int numClients, SplittableRandom random) {
    Partitioner.checkArguments(labels, numClients);
    if (labels.length != embeddings.length) {
      throw new IllegalArgumentException("need one embedding per example: " + labels.length + " examples, "
          + embeddings.length + " embeddings");
    }
    int[] clusterIds = clusters(random);
    return labelSkew.partition(clusterIds, numClients, random);
  }
}
