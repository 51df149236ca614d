package io.trustfl.train;

/**
 * One model as the trainer sees it: a forward pass, a plain training step and a DP training step, each a pure
 * function of the batch and the parameters passed in (the model keeps no parameter state of its own). An ONNX
 * model bundle implements this by running its {@code forward}, {@code train_step} and {@code dp_train_step} graphs;
 * tests implement it in plain Java.
 *
 * <p>Gradients are of the summed (not averaged) per-example softmax cross-entropy losses, one {@code double[]} per
 * parameter tensor in {@link Params} order. Implementations need not be thread-safe; the trainer calls them from
 * one thread.
 */
public interface StepModel {
  /** Number of output classes. */
  int numClasses();

  /**
   * Logits, {@code batch.size() × numClasses()} row-major.
   *
   * @param batch examples (labels are ignored)
   */
  float[] logits(Batch batch, Params params);

  /**
   * Plain step: the mean loss over the batch and the gradient of the summed loss.
   *
   * @param batch at least one example
   */
  PlainStepResult step(Batch batch, Params params);

  /**
   * DP step: per-example losses, per-example gradient L2 norms (over all trainable parameters together) and the sum
   * of the per-example gradients each scaled by {@code min(1, clipNorm/‖g_i‖)}. Per-example gradients need not be
   * materialized (ghost norms). An empty batch gives empty arrays and a zero sum.
   *
   * @param clipNorm C, finite and &gt; 0
   */
  DpStepResult dpStep(Batch batch, Params params, double clipNorm);
}
