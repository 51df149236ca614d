package io.trustfl.fairness;

/**
 * Prediction sensitivity (Krishna et al., ACL 2022, "Measuring Fairness of Text Classifiers via Prediction
 * Sensitivity"): PS(x) = vᵀ |J_f(x)| w, where J_f(x) is the C×D Jacobian of the task classifier's class
 * probabilities with respect to the input features, v weights the outputs and w weights the features by how much
 * they indicate the protected attribute: w = |∇_x g(x)| / ‖∇_x g(x)‖₁ with g the protected-status model's
 * probability of the protected class. APS is the mean of PS over a data set. Stateless and thread-safe.
 *
 * <p>This implementation uses the probability (softmax) Jacobian and v = (1/C, …, 1/C) by default; the features are
 * the encoder's sentence embeddings (the input of the MiniLM head's {@code input_grad} graph), not tokens.
 */
public final class PredictionSensitivity {
  private PredictionSensitivity() {}

  /**
   * PS = Σ_k Σ_d v_k |J[k][d]| w_d.
   *
   * @param jacobian row-major C×D
   * @param v length C, non-negative
   * @param w length D, non-negative
   */
  public static double ps(double[] jacobian, double[] v, double[] w) {
    if ((long) v.length * w.length != jacobian.length) {
      throw new IllegalArgumentException("jacobian must be " + v.length + "x" + w.length + " = "
          + (long) v.length * w.length + " values, got " + jacobian.length);
    }
    double total = 0;
    for (int k = 0; k < v.length; k++) {
      if (!(v[k] >= 0)) {
        throw new IllegalArgumentException("v must be >= 0, got v[" + k + "] = " + v[k]);
      }
      double row = 0;
      for (int d = 0; d < w.length; d++) {
        row += Math.abs(jacobian[k * w.length + d]) * w[d];
      }
      total += v[k] * row;
    }
    return total;
  }

  /**
   * Feature weights from the protected-status model's input gradient: |g_d| / Σ|g|; all zeros when the gradient is
   * zero (no feature indicates the attribute, so PS is 0).
   */
  public static double[] protectedWeights(double[] gradient) {
    double sum = 0;
    for (double g : gradient) {
      if (!Double.isFinite(g)) {
        throw new IllegalArgumentException("gradient values must be finite, got " + g);
      }
      sum += Math.abs(g);
    }
    double[] w = new double[gradient.length];
    if (sum > 0) {
      for (int d = 0; d < w.length; d++) {
        w[d] = Math.abs(gradient[d]) / sum;
      }
    }
    return w;
  }

  /**
   * Softmax probabilities of one row of logits (max-shifted).
   */
  public static double[] softmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double z : logits) {
      max = Math.max(max, z);
    }
    double sum = 0;
    double[] p = new double[logits.length];
    for (int k = 0; k < p.length; k++) {
      p[k] = Math.exp(logits[k] - max);
      sum += p[k];
    }
    for (int k = 0; k < p.length; k++) {
      p[k] /= sum;
    }
    return p;
  }

  /**
   * Jacobian of the softmax probabilities from the Jacobian of the logits: ∂p_k/∂x_d = p_k (∂z_k/∂x_d − Σ_j p_j
   * ∂z_j/∂x_d).
   *
   * @param logits one row, length C
   * @param logitJacobian row-major C×D
   * @return row-major C×D
   */
  public static double[] probabilityJacobian(double[] logits, double[] logitJacobian) {
    int c = logits.length;
    if (c == 0 || logitJacobian.length % c != 0) {
      throw new IllegalArgumentException("logitJacobian length " + logitJacobian.length + " is not a multiple of "
          + c + " classes");
    }
    int dim = logitJacobian.length / c;
    double[] p = softmax(logits);
    double[] mean = new double[dim];
    for (int j = 0; j < c; j++) {
      for (int d = 0; d < dim; d++) {
        mean[d] += p[j] * logitJacobian[j * dim + d];
      }
    }
    double[] out = new double[c * dim];
    for (int k = 0; k < c; k++) {
      for (int d = 0; d < dim; d++) {
        out[k * dim + d] = p[k] * (logitJacobian[k * dim + d] - mean[d]);
      }
    }
    return out;
  }

  /** Uniform output weights v = (1/C, …, 1/C). */
  public static double[] uniform(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be >= 1, got " + classes);
    }
    double[] v = new double[classes];
    java.util.Arrays.fill(v, 1.0 / classes);
    return v;
  }

  /**
   * Accumulated prediction sensitivity over a data set: APS = mean_x vᵀ|J_f(x)|w(x) with J_f the task model's
   * probability Jacobian, v uniform, and w(x) = {@link #protectedWeights} of the gradient of the protected-status
   * model's probability of {@code protectedClass} (both Jacobians from the bundles' {@code input_grad} graphs).
   *
   * @param x dense features (sentence embeddings), at least one row
   * @return APS and the number of examples
   */
  public static Accumulated accumulate(InputGradients task, io.trustfl.train.Params taskParams,
      InputGradients protectedModel, io.trustfl.train.Params protectedParams, int protectedClass,
      io.trustfl.train.DenseFeatures x) {
    checkApsArguments(protectedModel, protectedClass, x);
    InputGradients.Jacobians tj = task.compute(x, taskParams);
    InputGradients.Jacobians pj = protectedModel.compute(x, protectedParams);
    double[] v = uniform(task.classes());
    int dim = x.dim();
    double total = 0;
    for (int i = 0; i < x.rows(); i++) {
      double[] jp = probabilityJacobian(tj.logits()[i], tj.jacobians()[i]);
      double[] gp = probabilityJacobian(pj.logits()[i], pj.jacobians()[i]);
      double[] g = java.util.Arrays.copyOfRange(gp, protectedClass * dim, (protectedClass + 1) * dim);
      total += ps(jp, v, protectedWeights(g));
    }
    return new Accumulated(total / x.rows(), x.rows());
  }

  private static void checkApsArguments(InputGradients protectedModel, int protectedClass,
      io.trustfl.train.DenseFeatures x) {
    if (protectedClass < 0 || protectedClass >= protectedModel.classes()) {
      throw new IllegalArgumentException("protectedClass must be in [0, " + protectedModel.classes() + "), got "
          + protectedClass);
    }
    if (x.rows() == 0) {
      throw new IllegalArgumentException("APS needs at least one example");
    }
  }

  /**
   * Logit weights c with Σ_j c_j ∂z_j/∂x = ∂p_k/∂x: c_j = p_k (δ_jk − p_j) (the softmax Jacobian's row k).
   *
   * @param logits one row, length C
   * @param k class index
   */
  public static double[] probabilityGradientWeights(double[] logits, int k) {
    if (k < 0 || k >= logits.length) {
      throw new IllegalArgumentException("class index must be in [0, " + logits.length + "), got " + k);
    }
    double[] p = softmax(logits);
    double[] c = new double[p.length];
    for (int j = 0; j < c.length; j++) {
      c[j] = p[k] * ((j == k ? 1 : 0) - p[j]);
    }
    return c;
  }

  /**
   * APS with v one-hot on the class the task model predicts (argmax p(x)): PS(x) = Σ_d |∂p_ŷ/∂x_d| w_d. Needs one
   * input-gradient row per example for each model instead of C (see {@link InputGradients#directional}), so it is
   * the variant to run on a device when C is large.
   */
  public static Accumulated accumulatePredicted(InputGradients task, io.trustfl.train.Params taskParams,
      InputGradients protectedModel, io.trustfl.train.Params protectedParams, int protectedClass,
      io.trustfl.train.DenseFeatures x) {
    checkApsArguments(protectedModel, protectedClass, x);
    InputGradients.Directional t = task.directional(x, taskParams,
        z -> probabilityGradientWeights(z, io.trustfl.fairness.Mitigation.argmax(z)));
    InputGradients.Directional g = protectedModel.directional(x, protectedParams,
        z -> probabilityGradientWeights(z, protectedClass));
    double total = 0;
    for (int i = 0; i < x.rows(); i++) {
      double[] w = protectedWeights(g.gradients()[i]);
      double ps = 0;
      for (int d = 0; d < w.length; d++) {
        ps += Math.abs(t.gradients()[i][d]) * w[d];
      }
      total += ps;
    }
    return new Accumulated(total / x.rows(), x.rows());
  }

  /**
   * Accumulated prediction sensitivity.
   *
   * @param aps mean PS over the examples
   * @param examples number of examples
   */
  public record Accumulated(double aps, int examples) {}
}
