package io.trustfl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.proto.EncoderSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MiniLM encoder loaded from the Maven artifact (no network): semantics, batch invariance, lifecycle. */
class MiniLmEncoderTest {
  private static MiniLmEncoder encoder;

  /** Sentences of different token lengths, so a batched run would need padding. */
  private static final List<String> MIXED = List.of(
      "how do i reset my password",
      "what's the weather going to be like in paris tomorrow afternoon",
      "play some jazz",
      "transfer two hundred dollars from my checking account to my savings account please",
      "hi",
      "set an alarm for seven am");

  @BeforeAll
  static void open() {
    encoder = MiniLmEncoder.open();
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void loadsFromTheJarWithUnitVectors() {
    assertEquals(MiniLmModel.QUANTIZED, encoder.model());
    assertEquals(384, encoder.dimension());
    assertEquals(64, encoder.modelSha256().length());
    assertTrue(encoder.id().startsWith("all-minilm-l6-v2-q:sha256=" + encoder.modelSha256()));
    float[] v = encoder.encode("book a table for two");
    assertEquals(384, v.length);
    assertEquals(1.0, cosine(v, v), 1e-6);
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    assertEquals(1.0, Math.sqrt(norm), 1e-5);
  }

  @Test
  void paraphrasesAreCloserThanUnrelatedSentences() {
    float[][] v = encoder.encodeAll(List.of("how do i reset my password",
        "i forgot my password, how can i change it", "what's the weather like in paris tomorrow"));
    double para = cosine(v[0], v[1]);
    double unrelated = cosine(v[0], v[2]);
    assertTrue(para > 0.5, "paraphrase cosine " + para);
    assertTrue(para > unrelated + 0.3, "paraphrase " + para + " vs unrelated " + unrelated);
  }

  /**
   * An embedding computed alone equals, bit for bit, the same sentence's embedding computed among batch-mates of
   * other lengths, in any position and order. Bit-identical is the right bar: the quantized model is run one
   * sentence at a time, so the session sees identical input tensors either way.
   */
  @Test
  void quantizedEncoderIsBatchInvariant() {
    assertBatchInvariant(encoder);
  }

  /** The fp32 export, batched by exact token length (no padding), is batch-invariant too, bit for bit. */
  @Test
  void fp32EncoderBatchesWithoutChangingResults() {
    try (MiniLmEncoder fp32 = MiniLmEncoder.builder().model(MiniLmModel.FP32).batchSize(4).build()) {
      // Sentences of equal token length really do share a batch here.
      List<String> same = List.of("play some jazz", "play some rock", "call my mother", "turn lights off",
          "stop the timer");
      float[][] batched = fp32.encodeAll(same);
      for (int i = 0; i < same.size(); i++) {
        assertArrayEquals(fp32.encode(same.get(i)), batched[i], "row " + i);
      }
      assertBatchInvariant(fp32);
      float[][] v = fp32.encodeAll(List.of("how do i reset my password", "i forgot my password, how can i change it"));
      assertTrue(cosine(v[0], v[1]) > 0.5);
    }
  }

  private static void assertBatchInvariant(MiniLmEncoder enc) {
    float[][] alone = new float[MIXED.size()][];
    for (int i = 0; i < MIXED.size(); i++) {
      alone[i] = enc.encode(MIXED.get(i));
    }
    float[][] together = enc.encodeAll(MIXED);
    List<String> reversed = new ArrayList<>(MIXED);
    java.util.Collections.reverse(reversed);
    float[][] backwards = enc.encodeAll(reversed);
    List<String> repeated = new ArrayList<>();
    for (int r = 0; r < 6; r++) {
      repeated.addAll(MIXED);
    }
    float[][] many = enc.encodeAll(repeated);
    for (int i = 0; i < MIXED.size(); i++) {
      assertArrayEquals(alone[i], together[i], "in a batch: " + MIXED.get(i));
      assertArrayEquals(alone[i], backwards[MIXED.size() - 1 - i], "reversed: " + MIXED.get(i));
      for (int r = 0; r < 6; r++) {
        assertArrayEquals(alone[i], many[r * MIXED.size() + i], "repeated: " + MIXED.get(i));
      }
    }
  }

  /** Two threads encoding at once through one encoder get the same vectors as one thread alone. */
  @Test
  void concurrentCallersGetIdenticalResults() throws Exception {
    float[][] expected = encoder.encodeAll(MIXED);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<float[][]>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> encoder.encodeAll(MIXED)));
      }
      for (java.util.concurrent.Future<float[][]> r : results) {
        float[][] got = r.get();
        for (int i = 0; i < MIXED.size(); i++) {
          assertArrayEquals(expected[i], got[i]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void emptyInputsAndValidation() {
    assertEquals(0, encoder.encodeAll(List.of()).length);
    assertEquals(384, encoder.encode("").length);
    List<String> withNull = new ArrayList<>();
    withNull.add(null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encodeAll(withNull));
    assertEquals("texts[0] is null", e.getMessage());
    // Longer than 128 tokens: truncated, not an error.
    assertEquals(384, encoder.encode("word ".repeat(400)).length);
  }

  @Test
  void checksBundleCompatibility() {
    encoder.checkCompatible(EncoderSpec.newBuilder().setName("all-minilm-l6-v2-q").setSha256(encoder.modelSha256())
        .setDimension(384).build());
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> encoder.checkCompatible(
        EncoderSpec.newBuilder().setName("all-minilm-l6-v2").build()));
    assertTrue(name.getMessage().contains("expects encoder 'all-minilm-l6-v2'"), name.getMessage());
    IllegalArgumentException sha = assertThrows(IllegalArgumentException.class, () -> encoder.checkCompatible(
        EncoderSpec.newBuilder().setName("all-minilm-l6-v2-q").setSha256("00".repeat(32)).build()));
    assertTrue(sha.getMessage().contains("sha256"), sha.getMessage());
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseThrows() {
    MiniLmEncoder e = MiniLmEncoder.builder().parallelism(1).build();
    float[] before = e.encode("set an alarm");
    // Same model, other threading: same embedding.
    assertArrayEquals(encoder.encode("set an alarm"), before);
    e.close();
    e.close();
    IllegalStateException ex = assertThrows(IllegalStateException.class, () -> e.encode("set an alarm"));
    assertEquals("MiniLmEncoder is closed", ex.getMessage());
  }

  @Test
  void builderValidates() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MiniLmEncoder.builder().parallelism(0));
    assertEquals("parallelism must be in [1, 64], got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SessionSettings(0, 1, false));
  }
}
