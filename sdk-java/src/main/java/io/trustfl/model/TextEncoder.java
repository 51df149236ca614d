package io.trustfl.model;

import java.util.List;

/**
 * Turns texts into fixed-size embedding vectors. Implementations must be batch-invariant: the embedding of a text
 * is the same whatever other texts are passed in the same call, so that an example's features never depend on its
 * batch-mates.
 */
public interface TextEncoder {
  /**
   * A stable identifier of the encoder and everything that affects its output (model file hash, pooling, maximum
   * length). Two encoders with the same id give the same embeddings; caches key on it.
   */
  String id();

  /** Length of every embedding vector. */
  int dimension();

  /**
   * Encodes texts.
   *
   * @param texts texts to encode, none null
   * @return one vector of length {@link #dimension()} per text, in order; fresh arrays the caller may keep
   */
  float[][] encodeAll(List<String> texts);

  /** Encodes one text; equal to {@code encodeAll(List.of(text))[0]}. */
  default float[] encode(String text) {
    return encodeAll(List.of(text))[0];
  }
}
