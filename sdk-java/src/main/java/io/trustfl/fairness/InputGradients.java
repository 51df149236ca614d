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
  private Binding binding;
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
    int rowsPerRun = examplesPerRun * classes;
    if (binding == null) {
      Map<String, long[]> shapes = new HashMap<>();
      shapes.put("features", new long[] {rowsPerRun, dim});
      shapes.put("logit_weights", new long[] {rowsPerRun, classes});
      for (ParameterSpec s : params) {
        shapes.put(s.getName(), s.getShapeList().stream().mapToLong(Long::longValue).toArray());
      }
      binding = runtime.bind(GRAPH, shapes);
    }
    int n = x.rows();
    double[][] logits = new double[n][classes];
    double[][] jac = new double[n][classes * dim];
    float[] values = x.values();
    for (int i = 0; i < params.size(); i++) {
      // Binding views start at position 0 (no Buffer.clear(): its covariant FloatBuffer form is missing on Android 26)
      binding.floats(params.get(i).getName()).put(p.values(i));
    }
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

  /** Closes the binding and sessions. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (binding != null) {
      binding.close();
    }
    runtime.close();
  }
}
