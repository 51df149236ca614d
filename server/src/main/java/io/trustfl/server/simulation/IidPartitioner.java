package io.trustfl.server.simulation;

import java.util.SplittableRandom;

/** Shuffle, then near-equal consecutive slices: every client sees the global label distribution. */
public final class IidPartitioner implements Partitioner {

  @Override
  public Partition partition(int[] labels, int numClients, SplittableRandom random) {
    Partitioner.checkArguments(labels, numClients);
    int[] order = RandomDraws.permutation(labels.length, random);
    return Partition.of(RandomDraws.slices(order, RandomDraws.balancedSizes(labels.length, numClients)));
  }
}
