package io.trustfl.server.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Label skew (Hsu, Qi, Brown 2019; FedNLP): each client's label proportions {@code q_j ~ Dirichlet(α·p)}, p the
 * global label prior. Clients get near-equal sizes; their examples are drawn one at a time, round-robin over the
 * clients in a random order, each time a label from {@code q_j} restricted to labels with examples left (then an
 * unused example of that label). When a client's remaining labels carry no mass the label is drawn by the
 * remaining pool sizes. Smaller α, more skew (α → ∞ approaches IID).
 */
public final class DirichletLabelSkewPartitioner implements Partitioner {
  private final double alpha;

  /** @param alpha concentration α, finite and &gt; 0 (FedNLP uses 0.1, 1, 10, 100) */
  public DirichletLabelSkewPartitioner(double alpha) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and > 0, got " + alpha);
    }
    this.alpha = alpha;
  }

  /** The concentration α. */
  public double alpha() {
    return alpha;
  }

  @Override
  public Partition partition(int[] labels, int numClients, SplittableRandom random) {
    Partitioner.checkArguments(labels, numClients);
    int n = labels.length;
    int numLabels = 0;
    for (int l : labels) {
      numLabels = Math.max(numLabels, l + 1);
    }
    // Pools of example indices per label, shuffled; popped from the end.
    int[][] pools = new int[numLabels][];
    int[] left = new int[numLabels];
    for (int l : labels) {
      left[l]++;
    }
    for (int l = 0; l < numLabels; l++) {
      pools[l] = new int[left[l]];
      left[l] = 0;
    }
    for (int i = 0; i < n; i++) {
      pools[labels[i]][left[labels[i]]++] = i;
    }
    double[] prior = new double[numLabels];
    for (int l = 0; l < numLabels; l++) {
      RandomDraws.shuffle(pools[l], random);
      prior[l] = alpha * left[l] / n;
    }
    double[][] q = new double[numClients][];
    for (int j = 0; j < numClients; j++) {
      q[j] = RandomDraws.dirichlet(prior, random);
    }
    int[] sizes = RandomDraws.balancedSizes(n, numClients);
    int[] order = RandomDraws.permutation(numClients, random);
    List<int[]> clients = new ArrayList<>(numClients);
    int[] filled = new int[numClients];
    for (int j = 0; j < numClients; j++) {
      clients.add(new int[sizes[j]]);
    }
    int remaining = n;
    while (remaining > 0) {
      for (int k = 0; k < numClients && remaining > 0; k++) {
        int j = order[k];
        if (filled[j] == clients.get(j).length) {
          continue;
        }
        int label = drawLabel(q[j], left, remaining, random);
        clients.get(j)[filled[j]++] = pools[label][--left[label]];
        remaining--;
      }
    }
    return Partition.of(clients);
  }

  private static int drawLabel(double[] q, int[] left, int remaining, SplittableRandom random) {
    double mass = 0;
    for (int l = 0; l < q.length; l++) {
      if (left[l] > 0) {
        mass += q[l];
      }
    }
    if (mass > 0) {
      double u = random.nextDouble() * mass;
      int last = -1;
      for (int l = 0; l < q.length; l++) {
        if (left[l] > 0 && q[l] > 0) {
          last = l;
          u -= q[l];
          if (u < 0) {
            return l;
          }
        }
      }
      return last;
    }
    long u = random.nextLong(remaining);
    for (int l = 0; l < left.length; l++) {
      u -= left[l];
      if (u < 0) {
        return l;
      }
    }
    throw new IllegalStateException("no examples left to draw");
  }
}
