package io.trustfl.train;

import java.util.Arrays;
import java.util.Objects;

/**
 * Accuracy and mean softmax cross-entropy of a model on labelled data, from its logits.
 *
 * @param accuracy share of examples whose arg-max logit is the label (ties go to the lowest class)
 * @param meanLoss mean cross-entropy, computed with a max-shifted log-sum-exp in double
 * @param examples number of examples evaluated
 */
public record Evaluation(double accuracy, double meanLoss, int examples) {
  /** Rows per {@link StepModel#logits} call. */
  static final int CHUNK = 1024;

  /**
   * Evaluates {@code model} with {@code params} on {@code data}.
   *
   * @throws IllegalArgumentException if {@code data} is empty or has labels outside the model's classes
   */
  public static Evaluation of(StepModel model, Params params, Batch data) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(data, "data");
    int n = data.size();
    if (n == 0) {
      throw new IllegalArgumentException("evaluation data is empty");
    }
    int k = model.numClasses();
    data.requireLabelsBelow(k, "evaluation");
    long correct = 0;
    double lossSum = 0;
    for (int from = 0; from < n; from += CHUNK) {
      int to = Math.min(n, from + CHUNK);
      int first = from;
      int[] idx = new int[to - from];
      Arrays.setAll(idx, i -> first + i);
      Batch chunk = data.select(idx);
      float[] logits = model.logits(chunk, params);
      if (logits.length != (long) idx.length * k) {
        throw new IllegalStateException("model returned " + logits.length + " logits for " + idx.length
            + " rows of " + k + " classes");
      }
      for (int r = 0; r < idx.length; r++) {
        int base = r * k;
        int arg = 0;
        double max = logits[base];
        for (int c = 1; c < k; c++) {
          if (logits[base + c] > max) {
            max = logits[base + c];
            arg = c;
          }
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
          sum += Math.exp(logits[base + c] - max);
        }
        int label = chunk.labels()[r];
        lossSum += Math.log(sum) + max - logits[base + label];
        if (arg == label) {
          correct++;
        }
      }
    }
    return new Evaluation((double) correct / n, lossSum / n, n);
  }
}
