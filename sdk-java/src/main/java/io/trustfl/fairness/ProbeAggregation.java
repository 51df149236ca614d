package io.trustfl.fairness;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server-side aggregation of one round's probe metrics: for each probe, every metric is averaged over the clients
 * that reported it, weighted by their {@code fairness.<probe>.examples}; the example counts are summed and the number
 * of reporting clients is added as {@code fairness.<probe>.clients}. Keys outside {@code fairness.} are ignored.
 * Stateless and thread-safe.
 */
public final class ProbeAggregation {
  private ProbeAggregation() {}

  /**
   * Aggregates the metrics maps of one round's client updates.
   *
   * @param updates each client's {@code ClientUpdate.metrics}
   * @return the round's aggregate fairness metrics (sorted keys)
   */
  public static Map<String, Double> aggregate(Collection<Map<String, Double>> updates) {
    Map<String, double[]> sums = new TreeMap<>();
    Map<String, Double> counts = new TreeMap<>();
    Map<String, Integer> clients = new TreeMap<>();
    for (Map<String, Double> u : updates) {
      for (Map.Entry<String, Double> e : u.entrySet()) {
        String k = e.getKey();
        if (!k.startsWith(ProbeMetrics.PREFIX) || !k.endsWith("." + ProbeMetrics.EXAMPLES)) {
          continue;
        }
        String probe = k.substring(ProbeMetrics.PREFIX.length(), k.length() - ProbeMetrics.EXAMPLES.length() - 1);
        double n = e.getValue();
        if (!(n > 0) || Double.isInfinite(n)) {
          continue;
        }
        counts.merge(probe, n, Double::sum);
        clients.merge(probe, 1, Integer::sum);
        String prefix = ProbeMetrics.PREFIX + probe + ".";
        for (Map.Entry<String, Double> m : u.entrySet()) {
          String mk = m.getKey();
          if (mk.startsWith(prefix) && !mk.equals(k) && mk.indexOf('.', prefix.length()) < 0
              && Double.isFinite(m.getValue())) {
            double[] s = sums.computeIfAbsent(mk, x -> new double[2]);
            s[0] += n * m.getValue();
            s[1] += n;
          }
        }
      }
    }
    Map<String, Double> out = new TreeMap<>();
    sums.forEach((k, s) -> out.put(k, s[0] / s[1]));
    counts.forEach((p, n) -> out.put(ProbeMetrics.PREFIX + p + "." + ProbeMetrics.EXAMPLES, n));
    clients.forEach((p, c) -> out.put(ProbeMetrics.PREFIX + p + ".clients", (double) c));
    return out;
  }
}
