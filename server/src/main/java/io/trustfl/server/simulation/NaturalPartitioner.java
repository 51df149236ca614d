package io.trustfl.server.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The natural split: one client per user (e.g. a Tiny Shakespeare speaker), clients in order of first appearance. */
public final class NaturalPartitioner {
  private NaturalPartitioner() {}

  /**
   * Groups examples by user.
   *
   * @param users the user of each example; none may be null (a data set without users has no natural split)
   */
  public static Partition byUser(String[] users) {
    if (users.length == 0) {
      throw new IllegalArgumentException("need at least one example to partition, got none");
    }
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < users.length; i++) {
      if (users[i] == null) {
        throw new IllegalArgumentException("example " + i + " has no user: the natural split needs a user on every"
            + " example; use a Dirichlet or IID partition for this data set");
      }
      groups.computeIfAbsent(users[i], u -> new ArrayList<>()).add(i);
    }
    List<String> ids = new ArrayList<>(groups.keySet());
    List<int[]> clients = new ArrayList<>(groups.size());
    for (List<Integer> g : groups.values()) {
      clients.add(g.stream().mapToInt(Integer::intValue).toArray());
    }
    return new Partition(ids, clients);
  }
}
