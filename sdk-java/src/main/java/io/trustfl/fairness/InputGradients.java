package io.trustfl.fairness;

import io.trustfl.model.Binding;
import io.trustfl.model.BundleRuntime;
import io.trustfl.model.ModelBundles;
import io.trustfl.model.SessionSettings;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.ParameterSpec;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.Params;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a dense-feature bundle's {@code input_grad} graph (onnx-models graph contract v1) to get, per example, the
 * logits and the full C×D Jacobian of the logits with respect to the features: each example is repeated C times in
 * one batch with one-hot {@code logit_weights} (rows do not interact, so row k of the Jacobian is the gradient of
 * logit k). Not thread-safe; close it to release the ONNX sessions.
 */
public final class InputGradients implements AutoCloseable {
  private static final String GRAPH = "input_grad";
  private static final int MAX_ROWS = 1024;

  private final BundleRuntime runtime;
  private final int classes;
  private final int dim;
  private final int examplesPerRun;
  private final List<ParameterSpec> params;
  private final Map<Integer, Binding> bindings = new HashMap<>();
  private boolean closed;

  private InputGradients(BundleRuntime runtime) {
    this.runtime = runtime;
    ModelBundle b = runtime.bundle();
    this.classes = b.getLabelsCount();
    long[] shape = runtime.declaredShape(GRAPH, "features");
    if (shape.length != 2 || shape[1] < 1) {
      throw new IllegalArgumentException("bundle '" + b.getModelId() + "': input_grad must take dense 'features'"
          + " [batch, dim]; prediction sensitivity needs a sentence-encoder head, not a token model");
    }
    this.dim = (int) shape[1];
    this.examplesPerRun = Math.max(1, MAX_ROWS / classes);
    this.params = b.getParametersList();
  }

  /**
   * Opens the {@code input_grad} graph of {@code bundle}.
   *
   * @throws IllegalArgumentException if the bundle has no dense {@code input_grad} graph
   */
  public static InputGradients open(ModelBundle bundle, SessionSettings settings) {
    BundleRuntime rt = BundleRuntime.open(bundle, settings, java.util.Set.of(GRAPH, ModelBundles.FORWARD));
    try {
      return new InputGradients(rt);
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  /** Number of classes C. */
  public int classes() {
    return classes;
  }

  /** Feature dimension D. */
  public int dim() {
    return dim;
  }

  /** Logits and logit Jacobians of a batch. */
  public record Jacobians(double[][] logits, double[][] jacobians) {}

  /**
   * Computes logits ([n][C]) and logit Jacobians ([n][C·D], row-major) for every example of {@code x}.
   *
   * @throws IllegalArgumentException if the feature width differs from the bundle's
   */
  public Jacobians compute(DenseFeatures x, Params p) {
    if (closed) {
      throw new IllegalStateException("InputGradients is closed");
    }
    if (x.dim() != dim) {
      throw new IllegalArgumentException("bundle takes " + dim + " features per example, got " + x.dim());
    }
    Binding binding = binding(examplesPerRun * classes, p);
    int n = x.rows();
    double[][] logits = new double[n][classes];
    double[][] jac = new double[n][classes * dim];
    float[] values = x.values();
    for (int from = 0; from < n; from += examplesPerRun) {
      int count = Math.min(examplesPerRun, n - from);
      FloatBuffer f = binding.floats("features");
      FloatBuffer w = binding.floats("logit_weights");
      for (int e = 0; e < examplesPerRun; e++) {
        for (int k = 0; k < classes; k++) {
          if (e < count) {
            f.put(values, (from + e) * dim, dim);
          } else {
            for (int d = 0; d < dim; d++) {
              f.put(0f);
            }
          }
          for (int j = 0; j < classes; j++) {
            w.put(j == k ? 1f : 0f);
          }
        }
      }
      binding.run();
      FloatBuffer lo = binding.floats("logits");
      FloatBuffer g = binding.floats("input_grad");
      for (int e = 0; e < count; e++) {
        for (int k = 0; k < classes; k++) {
          int row = e * classes + k;
          if (k == 0) {
            for (int j = 0; j < classes; j++) {
              logits[from + e][j] = lo.get(row * classes + j);
            }
          }
          for (int d = 0; d < dim; d++) {
            jac[from + e][k * dim + d] = g.get(row * dim + d);
          }
        }
      }
    }
    return new Jacobians(logits, jac);
  }

  /** Per-example logits [n][C] and one input gradient [n][D] each. */
  public record Directional(double[][] logits, double[][] gradients) {}

  /**
   * For each example, the gradient of Σ_k c_k·z_k with respect to its features, where c = {@code weights(z)} is
   * computed from the example's own logits z and then held constant: one input-gradient row per example (two graph
   * runs per chunk: logits, then the weighted gradient), C times cheaper than {@link #compute}.
   *
   * @param weights maps one example's logits (length C) to its logit weights (length C)
   */
  public Directional directional(DenseFeatures x, Params p, java.util.function.Function<double[], double[]> weights) {
    if (closed) {
      throw new IllegalStateException("InputGradients is closed");
    }
    if (x.dim() != dim) {
      throw new IllegalArgumentException("bundle takes " + dim + " features per example, got " + x.dim());
    }
    int rows = MAX_ROWS;
    Binding binding = binding(rows, p);
    int n = x.rows();
    double[][] logits = new double[n][classes];
    double[][] grads = new double[n][dim];
    float[] values = x.values();
    for (int from = 0; from < n; from += rows) {
      int count = Math.min(rows, n - from);
      FloatBuffer f = binding.floats("features");
      f.put(values, from * dim, count * dim);
      while (f.hasRemaining()) {
        f.put(0f);
      }
      FloatBuffer w = binding.floats("logit_weights");
      while (w.hasRemaining()) {
        w.put(0f);
      }
      binding.run();
      FloatBuffer lo = binding.floats("logits");
      w = binding.floats("logit_weights");
      for (int e = 0; e < count; e++) {
        for (int k = 0; k < classes; k++) {
          logits[from + e][k] = lo.get(e * classes + k);
        }
        double[] c = weights.apply(logits[from + e].clone());
        if (c.length != classes) {
          throw new IllegalArgumentException("weights must return " + classes + " values, got " + c.length);
        }
        for (int k = 0; k < classes; k++) {
          w.put(e * classes + k, (float) c[k]);
        }
      }
      binding.run();
      FloatBuffer g = binding.floats("input_grad");
      for (int e = 0; e < count; e++) {
        for (int d = 0; d < dim; d++) {
          grads[from + e][d] = g.get(e * dim + d);
        }
      }
    }
    return new Directional(logits, grads);
  }

  private Binding binding(int rows, Params p) {
    Binding b = bindings.get(rows);
    if (b == null) {
      Map<String, long[]> shapes = new HashMap<>();
      shapes.put("features", new long[] {rows, dim});
      shapes.put("logit_weights", new long[] {rows, classes});
      for (ParameterSpec s : params) {
        shapes.put(s.getName(), s.getShapeList().stream().mapToLong(Long::longValue).toArray());
      }
      b = runtime.bind(GRAPH, shapes);
      bindings.put(rows, b);
    }
    for (int i = 0; i < params.size(); i++) {
      // Binding views start at position 0 (no Buffer.clear(): its covariant FloatBuffer form is missing on Android 26)
      b.floats(params.get(i).getName()).put(p.values(i));
    }
    return b;
  }

  /** Closes the bindings and sessions. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Binding b : bindings.values()) {
      b.close();
    }
    bindings.clear();
    runtime.close();
  }
}
