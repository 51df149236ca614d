package io.trustfl.server.simulation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Quantity skew (FedNLP): client sizes follow {@code Dirichlet(β)} over the total, labels stay IID. Each client
 * first gets {@code minPerClient} examples; the rest is split by the Dirichlet shares (largest remainder rounding),
 * then the shuffled examples are cut into slices of those sizes. Smaller β, more unequal sizes.
 */
public final class QuantitySkewPartitioner implements Partitioner {
  private final double beta;
  private final int minPerClient;

  /**
   * @param beta Dirichlet concentration, finite and &gt; 0
   * @param minPerClient examples every client gets at least, ≥ 0
   */
  public QuantitySkewPartitioner(double beta, int minPerClient) {
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
    }
    if (minPerClient < 0) {
      throw new IllegalArgumentException("minPerClient must be >= 0, got " + minPerClient);
    }
    this.beta = beta;
    this.minPerClient = minPerClient;
  }

  @Override
  public Partition partition(int[] labels, int numClients, SplittableRandom random) {
    Partitioner.checkArguments(labels, numClients);
    int n = labels.length;
    if ((long) minPerClient * numClients > n) {
      throw new IllegalArgumentException(numClients + " clients with at least " + minPerClient
          + " examples each need " + (long) minPerClient * numClients + " examples, got " + n);
    }
    double[] alphas = new double[numClients];
    Arrays.fill(alphas, beta);
    double[] share = RandomDraws.dirichlet(alphas, random);
    int rest = n - minPerClient * numClients;
    int[] sizes = new int[numClients];
    double[] remainder = new double[numClients];
    int assigned = 0;
    for (int i = 0; i < numClients; i++) {
      double exact = share[i] * rest;
      int whole = (int) Math.floor(exact);
      sizes[i] = minPerClient + whole;
      remainder[i] = exact - whole;
      assigned += whole;
    }
    Integer[] byRemainder = new Integer[numClients];
    for (int i = 0; i < numClients; i++) {
      byRemainder[i] = i;
    }
    Arrays.sort(byRemainder, (a, b) -> Double.compare(remainder[b], remainder[a]));
    for (int k = 0; assigned < rest; k++, assigned++) {
      sizes[byRemainder[k % numClients]]++;
    }
    int[] order = RandomDraws.permutation(n, random);
    return Partition.of(RandomDraws.slices(order, sizes));
  }
}
