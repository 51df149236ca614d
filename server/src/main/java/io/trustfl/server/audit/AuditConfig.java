package io.trustfl.server.audit;

/**
 * Settings of a centralized audit run ({@link CentralAudit}).
 *
 * @param epsilon the DP-SGD budget of every model (target and shadows), or +&infin; for non-private training
 * @param delta &delta; of the budget
 * @param clipNorm per-example clip norm under DP
 * @param models models trained on independent random halves (each model serves as target against the others)
 * @param targets how many of the models are attacked as targets (&le; models); each target is one "seed"
 * @param epochs training epochs (no early stopping, no model selection)
 * @param batchSize (expected) batch size
 * @param learningRate Adam learning rate
 * @param buckets hash buckets of the bag model
 * @param dim embedding width of the bag model
 * @param repetitions copies of each secret canary in every training set
 * @param seed master seed (inclusion draws, initializations, canaries)
 */
public record AuditConfig(double epsilon, double delta, double clipNorm, int models, int targets, int epochs,
    int batchSize, double learningRate, long buckets, long dim, int repetitions, long seed) {
  /** Validates every field. */
  public AuditConfig {
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be > 0 (use infinity for non-private), got " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    if (!(clipNorm > 0)) {
      throw new IllegalArgumentException("clipNorm must be > 0, got " + clipNorm);
    }
    if (models < 2) {
      throw new IllegalArgumentException("models must be >= 2 (a target needs shadows), got " + models);
    }
    if (targets < 1 || targets > models) {
      throw new IllegalArgumentException("targets must be in [1, models=" + models + "], got " + targets);
    }
    if (epochs < 1 || batchSize < 1) {
      throw new IllegalArgumentException("epochs and batchSize must be >= 1, got " + epochs + ", " + batchSize);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
    }
    if (buckets < 2 || dim < 1) {
      throw new IllegalArgumentException("buckets must be >= 2 and dim >= 1, got " + buckets + ", " + dim);
    }
    if (repetitions < 0) {
      throw new IllegalArgumentException("repetitions must be >= 0, got " + repetitions);
    }
  }

  /** Whether the models are trained with DP-SGD. */
  public boolean isPrivate() {
    return !Double.isInfinite(epsilon);
  }
}
