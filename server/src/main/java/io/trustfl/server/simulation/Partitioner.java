package io.trustfl.server.simulation;

import java.util.SplittableRandom;

/** Splits examples 0 … n−1 among clients. Implementations are immutable, thread-safe and deterministic. */
public interface Partitioner {

  /**
   * Assigns every example to exactly one client.
   *
   * @param labels integer class of each example (0 … L−1); its length is the number of examples n
   * @param numClients clients K, 1 ≤ K ≤ n
   * @param random seeded randomness; equal seeds give equal partitions
   */
  Partition partition(int[] labels, int numClients, SplittableRandom random);

  /** Checks the common arguments. */
  static void checkArguments(int[] labels, int numClients) {
    if (labels.length == 0) {
      throw new IllegalArgumentException("need at least one example to partition, got none");
    }
    if (numClients < 1 || numClients > labels.length) {
      throw new IllegalArgumentException("numClients must be in [1, " + labels.length + "] (the number of"
          + " examples), got " + numClients);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException("labels must be >= 0, got labels[" + i + "] = " + labels[i]);
      }
    }
  }
}
