package io.trustfl.server.simulation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Example indices per client.
 *
 * @param clientIds one id per client ("client-00000", … or the user for a natural split), unique
 * @param clients each client's example indices, in the order they were assigned
 */
public record Partition(List<String> clientIds, List<int[]> clients) {

  /** Validates and copies. */
  public Partition {
    clientIds = List.copyOf(clientIds);
    List<int[]> copy = new ArrayList<>(clients.size());
    for (int[] c : clients) {
      copy.add(Objects.requireNonNull(c, "client indices").clone());
    }
    clients = List.copyOf(copy);
    if (clientIds.size() != clients.size()) {
      throw new IllegalArgumentException("need one id per client, got " + clientIds.size() + " ids for "
          + clients.size() + " clients");
    }
    if (new HashSet<>(clientIds).size() != clientIds.size()) {
      throw new IllegalArgumentException("client ids must be unique");
    }
  }

  /** A partition with generated ids {@code client-00000, client-00001, …}. */
  public static Partition of(List<int[]> clients) {
    List<String> ids = new ArrayList<>(clients.size());
    for (int i = 0; i < clients.size(); i++) {
      ids.add(String.format(java.util.Locale.ROOT, "client-%05d", i));
    }
    return new Partition(ids, clients);
  }

  /** Number of clients. */
  public int numClients() {
    return clients.size();
  }

  /** Client i's example indices (a copy). */
  public int[] client(int i) {
    return clients.get(i).clone();
  }

  /** Examples per client. */
  public int[] sizes() {
    int[] s = new int[clients.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = clients.get(i).length;
    }
    return s;
  }

  /** Total examples over all clients. */
  public long totalExamples() {
    long n = 0;
    for (int[] c : clients) {
      n += c.length;
    }
    return n;
  }

  /**
   * Checks that every index in {@code [0, n)} is assigned to exactly one client.
   *
   * @throws IllegalStateException naming the first index lost, duplicated or out of range
   */
  public void requireExactCover(int n) {
    int[] seen = new int[n];
    for (int[] c : clients) {
      for (int idx : c) {
        if (idx < 0 || idx >= n) {
          throw new IllegalStateException("index " + idx + " is outside [0, " + n + ")");
        }
        if (++seen[idx] > 1) {
          throw new IllegalStateException("example " + idx + " is assigned to more than one client");
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (seen[i] == 0) {
        throw new IllegalStateException("example " + i + " is assigned to no client");
      }
    }
  }

  /**
   * Mean over non-empty clients of the Shannon entropy (nats) of the client's label distribution: the label-skew
   * measure (log L for a client holding all L labels equally, 0 for a single-label client).
   */
  public double meanLabelEntropy(int[] labels) {
    int numLabels = 0;
    for (int l : labels) {
      numLabels = Math.max(numLabels, l + 1);
    }
    double total = 0;
    int counted = 0;
    int[] counts = new int[numLabels];
    for (int[] c : clients) {
      if (c.length == 0) {
        continue;
      }
      java.util.Arrays.fill(counts, 0);
      for (int idx : c) {
        counts[labels[idx]]++;
      }
      double h = 0;
      for (int k : counts) {
        if (k > 0) {
          double p = (double) k / c.length;
          h -= p * Math.log(p);
        }
      }
      total += h;
      counted++;
    }
    return counted == 0 ? 0 : total / counted;
  }
}
