package io.trustfl.server.audit;

import io.trustfl.model.HashingFeaturizer;
import io.trustfl.train.Batch;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.Params;
import io.trustfl.train.TextFeatures;
import java.util.List;
import java.util.Objects;

/**
 * Black-box view of a trained hashed-bag classifier for audits: logits and per-example statistics of texts under
 * given weights. Does not own the step model. Not thread-safe (the step model's bindings are not).
 */
public final class TextClassifier {
  private final OnnxStepModel model;
  private final Params params;
  private final HashingFeaturizer featurizer;

  /**
   * @param model an open hashed-bag step model ({@code intent-bag})
   * @param params trained weights for it
   */
  public TextClassifier(OnnxStepModel model, Params params) {
    this.model = Objects.requireNonNull(model, "model");
    this.params = Objects.requireNonNull(params, "params");
    if (!model.takesTokens()) {
      throw new IllegalArgumentException("audits of texts need a hashed-bag model (intent-bag); "
          + model.bundle().getModelId() + " takes dense features");
    }
    this.featurizer = new HashingFeaturizer(model.bundle().getHashing());
  }

  /** The featurizer of the model's bundle. */
  public HashingFeaturizer featurizer() {
    return featurizer;
  }

  /** The class names in index order. */
  public List<String> labels() {
    return model.labels();
  }

  /** The weights. */
  public Params params() {
    return params;
  }

  /** Loss, confidence and &phi; of each text under its label index. */
  public MembershipScores.Stats stats(List<String> texts, int[] labels) {
    Batch b = new Batch(TextFeatures.hash(featurizer, texts), labels);
    return MembershipScores.of(model.logits(b, params), labels, model.numClasses());
  }

  /** Cross-entropy loss of every text under one label. */
  public double[] losses(List<String> texts, int label) {
    int[] y = new int[texts.size()];
    java.util.Arrays.fill(y, label);
    return stats(texts, y).loss();
  }
}
