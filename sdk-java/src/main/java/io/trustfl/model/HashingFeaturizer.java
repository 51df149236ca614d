package io.trustfl.model;

import io.trustfl.proto.HashingSpec;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Featurizer of the intent-bag model family: text to hashed n-gram ids and a padding mask, as a bundle's
 * {@link HashingSpec} prescribes. Implements the featurization of onnx-models' graph contract v1
 * ({@code onnx-models/README.md}, "intent-bag featurization"):
 *
 * <ol>
 *   <li>Lower-case with {@link Locale#ROOT} when {@code lowercase} is set.</li>
 *   <li>Tokens: maximal runs of code points that are {@link Character#isLetterOrDigit(int)}; every other code point
 *       (space, punctuation, apostrophe, emoji) separates tokens. "What's up?" gives {@code what}, {@code s},
 *       {@code up}.</li>
 *   <li>N-grams: all 1-grams in order, then all 2-grams in order, ... up to {@code max_n} (from {@code min_n}); an
 *       n-gram is its tokens joined by one space. The first {@code max_tokens} are kept.</li>
 *   <li>Bucket: {@code Long.remainderUnsigned(h, buckets)} with h the 64-bit FNV-1a hash of the n-gram's UTF-8 bytes,
 *       offset basis {@code 0xcbf29ce484222325 ^ seed}, prime {@code 0x100000001b3} (Fowler, Noll, Vo; IETF draft
 *       draft-eastlake-fnv).</li>
 *   <li>Rows are padded with id 0 and mask 0; real n-grams have mask 1 (an n-gram may hash to 0: the mask, not the
 *       id, marks padding). A text without tokens gives an all-zero mask.</li>
 * </ol>
 *
 * <p>Immutable and thread-safe.
 */
public final class HashingFeaturizer {
  private final int buckets;
  private final int minN;
  private final int maxN;
  private final int maxTokens;
  private final long seed;
  private final boolean lowercase;

  /** Hashed features of one text: {@code ids} and {@code mask} of length maxTokens, and the number of real n-grams. */
  public record Features(long[] ids, float[] mask, int count) {}

  /**
   * Creates the featurizer.
   *
   * @throws IllegalArgumentException if buckets, the n-gram range or max tokens are invalid
   */
  public HashingFeaturizer(HashingSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (spec.getBuckets() < 1 || spec.getBuckets() > (1 << 30)) {
      throw new IllegalArgumentException("buckets must be in [1, 2^30], got " + Integer.toUnsignedString(
          spec.getBuckets()));
    }
    if (spec.getMinN() < 1 || spec.getMaxN() < spec.getMinN() || spec.getMaxN() > 8) {
      throw new IllegalArgumentException("n-gram range must satisfy 1 <= min_n <= max_n <= 8, got min_n "
          + spec.getMinN() + ", max_n " + spec.getMaxN());
    }
    if (spec.getMaxTokens() < 1 || spec.getMaxTokens() > 65536) {
      throw new IllegalArgumentException("max_tokens must be in [1, 65536], got " + spec.getMaxTokens());
    }
    this.buckets = spec.getBuckets();
    this.minN = spec.getMinN();
    this.maxN = spec.getMaxN();
    this.maxTokens = spec.getMaxTokens();
    this.seed = spec.getSeed();
    this.lowercase = spec.getLowercase();
  }

  /** Length of every feature row. */
  public int maxTokens() {
    return maxTokens;
  }

  /** Number of hash buckets (rows of the embedding table). */
  public int buckets() {
    return buckets;
  }

  /** The tokens of {@code text} (step 1 and 2 of the class description). */
  public List<String> tokens(String text) {
    Objects.requireNonNull(text, "text");
    String s = lowercase ? text.toLowerCase(Locale.ROOT) : text;
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      boolean word = Character.isLetterOrDigit(cp);
      if (word && start < 0) {
        start = i;
      } else if (!word && start >= 0) {
        out.add(s.substring(start, i));
        start = -1;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) {
      out.add(s.substring(start));
    }
    return out;
  }

  /** All n-grams of {@code text} in emission order (n-major), before truncation. */
  public List<String> ngrams(String text) {
    List<String> tokens = tokens(text);
    List<String> out = new ArrayList<>();
    for (int n = minN; n <= maxN; n++) {
      for (int i = 0; i + n <= tokens.size(); i++) {
        out.add(n == 1 ? tokens.get(i) : String.join(" ", tokens.subList(i, i + n)));
      }
    }
    return out;
  }

  /** The bucket of one n-gram. */
  public long bucketOf(String ngram) {
    return Long.remainderUnsigned(fnv1a64(ngram.getBytes(StandardCharsets.UTF_8), seed), buckets);
  }

  /** Hashed ids of a batch, padded to its longest row (at least 1), row-major {@code [rows, length]}. */
  public record Batch(long[] ids, float[] mask, int rows, int length) {}

  /**
   * Featurizes texts into one batch padded to the longest row (as the graph contract's {@code token_ids} and
   * {@code token_mask} expect), never longer than {@link #maxTokens()}.
   */
  public Batch featurizeBatch(List<String> texts) {
    List<long[]> rows = new ArrayList<>(texts.size());
    int length = 1;
    for (String t : texts) {
      List<String> grams = ngrams(t);
      long[] ids = new long[Math.min(grams.size(), maxTokens)];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = bucketOf(grams.get(i));
      }
      rows.add(ids);
      length = Math.max(length, ids.length);
    }
    long[] ids = new long[texts.size() * length];
    float[] mask = new float[texts.size() * length];
    for (int r = 0; r < rows.size(); r++) {
      long[] row = rows.get(r);
      System.arraycopy(row, 0, ids, r * length, row.length);
      Arrays.fill(mask, r * length, r * length + row.length, 1f);
    }
    return new Batch(ids, mask, texts.size(), length);
  }

  /** Featurizes one text into fresh arrays. */
  public Features featurize(String text) {
    long[] ids = new long[maxTokens];
    float[] mask = new float[maxTokens];
    int count = featurizeInto(text, LongBuffer.wrap(ids), FloatBuffer.wrap(mask));
    return new Features(ids, mask, count);
  }

  /**
   * Writes exactly {@link #maxTokens()} ids and mask values at the buffers' current positions (advancing them), e.g.
   * into one row of a {@link Binding}'s input buffers.
   *
   * @return the number of real (unmasked) n-grams, at most maxTokens
   */
  public int featurizeInto(String text, LongBuffer ids, FloatBuffer mask) {
    List<String> grams = ngrams(text);
    int count = Math.min(grams.size(), maxTokens);
    for (int i = 0; i < maxTokens; i++) {
      if (i < count) {
        ids.put(bucketOf(grams.get(i)));
        mask.put(1f);
      } else {
        ids.put(0L);
        mask.put(0f);
      }
    }
    return count;
  }

  /**
   * 64-bit FNV-1a: h = offset basis XOR seed; for each byte, h = (h XOR byte) * 0x100000001b3 (mod 2^64).
   */
  public static long fnv1a64(byte[] data, long seed) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (byte b : data) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
