package io.trustfl.train;

import java.util.Objects;

/**
 * Settings of one training run. Build with {@link #builder()}; every field is validated once, in the builder.
 *
 * @param epochs maximum number of passes, ≥ 1 (under DP an epoch is {@code round(1/q)} Poisson-sampled steps)
 * @param batchSize fixed batch size for plain training; the EXPECTED batch size {@code qN} under DP
 * @param optimizer the optimizer and its learning rate
 * @param patience early stopping: stop after this many epochs without a better validation score; 0 never stops
 *     early
 * @param restoreBest return the parameters of the best validation epoch rather than the last ones
 * @param shuffleSeed seed of the batch order of plain training (not used under DP, whose sampling is secret)
 * @param dp DP-SGD settings, or null for plain (non-private) training
 */
public record TrainingConfig(int epochs, int batchSize, OptimizerSpec optimizer, int patience, boolean restoreBest,
    long shuffleSeed, DpSgdSpec dp) {

  /** Validates every field. */
  public TrainingConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    Objects.requireNonNull(optimizer, "optimizer");
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0 (0 disables early stopping), got " + patience);
    }
  }

  /** True for DP-SGD. */
  public boolean isPrivate() {
    return dp != null;
  }

  /** A builder with defaults: 10 epochs, batch 256, Adam(1e-3), patience 3, restore best, seed 0, no DP. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link TrainingConfig}. Not thread-safe. */
  public static final class Builder {
    private int epochs = 10;
    private int batchSize = 256;
    private OptimizerSpec optimizer = OptimizerSpec.Adam.withDefaults(1e-3);
    private int patience = 3;
    private boolean restoreBest = true;
    private long shuffleSeed;
    private DpSgdSpec dp;

    private Builder() {}

    /** Maximum epochs, ≥ 1. */
    public Builder epochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    /** Batch size (plain) or expected batch size (DP), ≥ 1. */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** The optimizer. */
    public Builder optimizer(OptimizerSpec optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    /** Early-stopping patience in epochs, 0 to disable. */
    public Builder patience(int patience) {
      this.patience = patience;
      return this;
    }

    /** Whether to return the best validation epoch's parameters. */
    public Builder restoreBest(boolean restoreBest) {
      this.restoreBest = restoreBest;
      return this;
    }

    /** Seed of the plain-training batch order. */
    public Builder shuffleSeed(long shuffleSeed) {
      this.shuffleSeed = shuffleSeed;
      return this;
    }

    /** DP-SGD settings; null for plain training. */
    public Builder dp(DpSgdSpec dp) {
      this.dp = dp;
      return this;
    }

    /** Validates and builds. */
    public TrainingConfig build() {
      return new TrainingConfig(epochs, batchSize, optimizer, patience, restoreBest, shuffleSeed, dp);
    }
  }
}
