package io.trustfl.train;

import java.util.Objects;

/**
 * Token-id features padded to a common length: {@code ids} and {@code mask} are {@code rows × length} row-major; a
 * mask of 1 marks a real token, 0 padding (whose id is ignored). Used by hashed bag-of-n-grams models.
 *
 * @param ids {@code rows·length} ids in {@code [0, vocabulary)} where the mask is 1
 * @param mask {@code rows·length} values in {0, 1}
 * @param rows number of examples, ≥ 0
 * @param length padded length, ≥ 1
 */
public record TokenFeatures(long[] ids, float[] mask, int rows, int length) implements Features {
  /** Validates shapes and mask values. */
  public TokenFeatures {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(mask, "mask");
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    if (length < 1) {
      throw new IllegalArgumentException("length must be >= 1, got " + length);
    }
    long n = (long) rows * length;
    if (ids.length != n || mask.length != n) {
      throw new IllegalArgumentException("ids and mask must have rows*length = " + n + " elements, got "
          + ids.length + " and " + mask.length);
    }
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] != 0f && mask[i] != 1f) {
        throw new IllegalArgumentException("mask values must be 0 or 1, got " + mask[i] + " at " + i);
      }
      if (mask[i] == 1f && ids[i] < 0) {
        throw new IllegalArgumentException("token ids must be >= 0, got " + ids[i] + " at " + i);
      }
    }
  }

  @Override
  public TokenFeatures select(int[] indexes) {
    long[] outIds = new long[indexes.length * length];
    float[] outMask = new float[indexes.length * length];
    for (int r = 0; r < indexes.length; r++) {
      int src = Objects.checkIndex(indexes[r], rows);
      System.arraycopy(ids, src * length, outIds, r * length, length);
      System.arraycopy(mask, src * length, outMask, r * length, length);
    }
    return new TokenFeatures(outIds, outMask, indexes.length, length);
  }
}
