package io.trustfl.fairness;

/**
 * Outcome of one WEAT/SEAT association test (Caliskan et al. 2017; May et al. 2019).
 *
 * @param effectSize d = (mean_x s(x,A,B) − mean_y s(y,A,B)) / std_{w∈X∪Y} s(w,A,B), sample std (ddof 1)
 * @param pValue one-sided permutation p-value: the share of re-partitions of X∪Y into sets of sizes |X| and |Y|
 *     whose statistic Σ_x s − Σ_y s is ≥ the observed one (the observed partition included)
 * @param exact true when every re-partition was enumerated, false when they were sampled
 * @param partitions number of re-partitions enumerated or sampled
 * @param variance sample variance (ddof 1) of s(w,A,B) over X∪Y, the in-sample variance CEAT uses as v_i
 */
public record WeatResult(double effectSize, double pValue, boolean exact, long partitions, double variance) {
  /** Validates ranges. */
  public WeatResult {
    if (!(pValue >= 0 && pValue <= 1)) {
      throw new IllegalArgumentException("pValue must be in [0, 1], got " + pValue);
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be >= 0, got " + partitions);
    }
  }
}
