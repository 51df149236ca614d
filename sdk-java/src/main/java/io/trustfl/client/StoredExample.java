package io.trustfl.client;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One example in an {@link ExampleStore}: a labelled text and, optionally, its cached encoder embedding.
 *
 * @param id the store's id for it, unique and increasing in insertion order
 * @param text the text (not null)
 * @param label the class name (not null)
 * @param embedding the cached embedding, or null when none is cached (not copied: do not modify)
 */
public record StoredExample(long id, String text, String label, float[] embedding) {
  /** Fixed per-example overhead counted against the byte cap (id, lengths, bookkeeping). */
  static final int OVERHEAD_BYTES = 32;

  /** Null checks. */
  public StoredExample {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(label, "label");
  }

  /** Whether an embedding is cached. */
  public boolean hasEmbedding() {
    return embedding != null;
  }

  /**
   * Bytes this example counts against the store's byte cap: UTF-8 text and label, 4 bytes per embedding float and
   * a fixed overhead of {@value #OVERHEAD_BYTES}.
   */
  public long storedBytes() {
    return OVERHEAD_BYTES + (long) text.getBytes(StandardCharsets.UTF_8).length
        + label.getBytes(StandardCharsets.UTF_8).length + (embedding == null ? 0 : 4L * embedding.length);
  }
}
