package io.trustfl.train;

import io.trustfl.model.HashingFeaturizer;
import io.trustfl.model.TextEncoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns texts and label names into the trainer's {@link Batch}: dense sentence embeddings from a (cached,
 * batch-invariant) {@link TextEncoder} for encoder-based bundles, hashed n-gram ids for hashing bundles, and class
 * indexes in the bundle's label order. Stateless and thread-safe.
 */
public final class TextFeatures {
  private TextFeatures() {}

  /**
   * Class indexes of {@code labels} in {@code classes} order.
   *
   * @param what the data set's name, for messages
   * @throws IllegalArgumentException for a label that is not one of the classes (naming it and the row)
   */
  public static int[] labelIndexes(List<String> labels, List<String> classes, String what) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      index.put(classes.get(i), i);
    }
    int[] out = new int[labels.size()];
    for (int i = 0; i < out.length; i++) {
      Integer k = index.get(labels.get(i));
      if (k == null) {
        throw new IllegalArgumentException(what + " example " + i + " has label '" + labels.get(i)
            + "', which is not one of the model's " + classes.size() + " classes; use a bundle built for this"
            + " data set's labels or drop those examples");
      }
      out[i] = k;
    }
    return out;
  }

  /** Embeds {@code texts} with {@code encoder} (use an embedding cache so repeated runs do not re-encode). */
  public static DenseFeatures embed(TextEncoder encoder, List<String> texts) {
    Objects.requireNonNull(encoder, "encoder");
    int dim = encoder.dimension();
    float[][] rows = encoder.encodeAll(texts);
    float[] flat = new float[texts.size() * dim];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != dim) {
        throw new IllegalStateException("encoder " + encoder.id() + " returned " + rows[i].length
            + " values for text " + i + ", expected " + dim);
      }
      System.arraycopy(rows[i], 0, flat, i * dim, dim);
    }
    return new DenseFeatures(flat, texts.size(), dim);
  }

  /**
   * Hashed n-gram ids and masks, padded to the longest row of this data set (at least 1), so that every batch of it
   * has the same token length.
   */
  public static TokenFeatures hash(HashingFeaturizer featurizer, List<String> texts) {
    Objects.requireNonNull(featurizer, "featurizer");
    HashingFeaturizer.Features[] rows = new HashingFeaturizer.Features[texts.size()];
    int length = 1;
    for (int i = 0; i < rows.length; i++) {
      rows[i] = featurizer.featurize(texts.get(i));
      length = Math.max(length, rows[i].count());
    }
    long[] ids = new long[rows.length * length];
    float[] mask = new float[rows.length * length];
    for (int i = 0; i < rows.length; i++) {
      int n = Math.min(length, rows[i].ids().length);
      System.arraycopy(rows[i].ids(), 0, ids, i * length, n);
      System.arraycopy(rows[i].mask(), 0, mask, i * length, n);
    }
    return new TokenFeatures(ids, mask, rows.length, length);
  }
}
