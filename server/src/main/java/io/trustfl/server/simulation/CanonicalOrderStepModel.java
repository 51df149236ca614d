package io.trustfl.server.simulation;

import io.trustfl.train.Batch;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.DpStepResult;
import io.trustfl.train.Features;
import io.trustfl.train.PlainStepResult;
import io.trustfl.train.Params;
import io.trustfl.train.StepModel;
import io.trustfl.train.TokenFeatures;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link StepModel} that presents every plain training batch to the wrapped model in a canonical row order (by
 * label, then by feature values). The federated client shuffles its local data with a {@code SecureRandom} seed,
 * and float sums depend on the order of their terms; sorting makes a full-batch local step a function of the batch's
 * content only, so a seeded simulation is reproducible bit for bit (and a resumed run equals an uninterrupted one).
 * The gradient is a sum over rows, so its meaning does not change. DP steps (per-example outputs in batch order) are
 * passed through unchanged.
 */
final class CanonicalOrderStepModel implements StepModel {
  private final StepModel inner;

  CanonicalOrderStepModel(StepModel inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  @Override
  public int numClasses() {
    return inner.numClasses();
  }

  @Override
  public float[] logits(Batch batch, Params params) {
    return inner.logits(batch, params);
  }

  @Override
  public PlainStepResult step(Batch batch, Params params) {
    return inner.step(batch.select(canonicalOrder(batch)), params);
  }

  @Override
  public DpStepResult dpStep(Batch batch, Params params, double clipNorm) {
    return inner.dpStep(batch, params, clipNorm);
  }

  /** Row indexes sorted by (label, features lexicographically). */
  static int[] canonicalOrder(Batch batch) {
    int n = batch.size();
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    int[] labels = batch.labels();
    Comparator<Integer> byFeatures = rowComparator(batch.features());
    Arrays.sort(idx, Comparator.<Integer>comparingInt(i -> labels[i]).thenComparing(byFeatures));
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = idx[i];
    }
    return out;
  }

  private static Comparator<Integer> rowComparator(Features f) {
    if (f instanceof DenseFeatures d) {
      int dim = d.dim();
      float[] v = d.values();
      return (a, b) -> Arrays.compare(v, a * dim, (a + 1) * dim, v, b * dim, (b + 1) * dim);
    }
    TokenFeatures t = (TokenFeatures) f;
    int len = t.length();
    long[] ids = t.ids();
    float[] mask = t.mask();
    return (a, b) -> {
      int c = Arrays.compare(mask, a * len, (a + 1) * len, mask, b * len, (b + 1) * len);
      return c != 0 ? c : Arrays.compare(ids, a * len, (a + 1) * len, ids, b * len, (b + 1) * len);
    };
  }
}
