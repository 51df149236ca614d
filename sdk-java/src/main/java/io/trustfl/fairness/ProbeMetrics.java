package io.trustfl.fairness;

import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.NoiseKey;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What an on-device fairness probe may send: aggregate numbers of one probe run, keyed
 * {@code fairness.<probe>.<metric>}, plus {@code fairness.<probe>.examples}, the number of local examples the
 * aggregates cover (the server's weight). Keys are validated ({@code [a-z][a-z0-9_]*} parts) and values must be
 * finite, so no text and no per-example value can travel in it. Immutable.
 *
 * <p>{@link #noised} adds N(0, σ²) to every metric value (not to the example count) from the kernels' ChaCha20
 * Gaussian stream; which σ makes that differentially private depends on the metric's sensitivity (a mean over n
 * local examples of values in [0, 1] has sensitivity 1/n) and is the caller's choice.
 */
public final class ProbeMetrics {
  /** Prefix of every fairness metric key in {@code ClientUpdate.metrics}. */
  public static final String PREFIX = "fairness.";
  /** Metric name of the example count. */
  public static final String EXAMPLES = "examples";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private final String probe;
  private final long examples;
  private final Map<String, Double> values;

  private ProbeMetrics(String probe, long examples, Map<String, Double> values) {
    this.probe = probe;
    this.examples = examples;
    this.values = values;
  }

  /**
   * Validates and builds a probe's metrics.
   *
   * @param probe probe name, {@code [a-z][a-z0-9_]*}
   * @param examples local examples covered (≥ 0)
   * @param values metric name ({@code [a-z][a-z0-9_]*}, not "examples") to a finite value
   */
  public static ProbeMetrics of(String probe, long examples, Map<String, Double> values) {
    requireName("probe", probe);
    if (examples < 0) {
      throw new IllegalArgumentException("examples must be >= 0, got " + examples);
    }
    TreeMap<String, Double> m = new TreeMap<>();
    values.forEach((k, v) -> {
      requireName("metric", k);
      if (k.equals(EXAMPLES)) {
        throw new IllegalArgumentException("metric name '" + EXAMPLES + "' is reserved for the example count");
      }
      if (v == null || !Double.isFinite(v)) {
        throw new IllegalArgumentException("metric " + k + " must be finite, got " + v);
      }
      m.put(k, v);
    });
    return new ProbeMetrics(probe, examples, java.util.Collections.unmodifiableMap(m));
  }

  /** The probe's name. */
  public String probe() {
    return probe;
  }

  /** Number of local examples the metrics cover. */
  public long examples() {
    return examples;
  }

  /** Metric name to value (without the key prefix), sorted by name. */
  public Map<String, Double> values() {
    return values;
  }

  /**
   * A copy with N(0, stddev²) added to every metric value, drawn from the ChaCha20 Gaussian stream of {@code key}
   * and {@code nonce} (indexes 0 … m−1 in metric-name order).
   */
  public ProbeMetrics noised(NoiseKey key, long nonce, double stddev) {
    double[] v = values.values().stream().mapToDouble(Double::doubleValue).toArray();
    ChaChaGaussian.addScaled(key, nonce, 0, stddev, v, 0, v.length);
    TreeMap<String, Double> m = new TreeMap<>();
    int i = 0;
    for (String k : values.keySet()) {
      m.put(k, v[i++]);
    }
    return new ProbeMetrics(probe, examples, java.util.Collections.unmodifiableMap(m));
  }

  /** The entries to put into {@code ClientUpdate.metrics}: {@code fairness.<probe>.<metric>} and the count. */
  public Map<String, Double> asUpdateMetrics() {
    TreeMap<String, Double> m = new TreeMap<>();
    m.put(PREFIX + probe + "." + EXAMPLES, (double) examples);
    values.forEach((k, v) -> m.put(PREFIX + probe + "." + k, v));
    return m;
  }

  private static void requireName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " name must match [a-z][a-z0-9_]*, got '" + name + "'");
    }
  }

  @Override
  public String toString() {
    return "ProbeMetrics[" + probe + ", examples=" + examples + ", " + values + "]";
  }
}
