package io.trustfl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trustfl.proto.HashingSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The intent-bag featurizer against independent references: published FNV-1a 64 vectors, the bucket references of
 * onnx-models/README.md, and values printed by src/test/python/hashing_reference.py.
 */
class HashingFeaturizerTest {
  private static HashingSpec spec(int buckets, long seed, int maxTokens) {
    return HashingSpec.newBuilder().setBuckets(buckets).setMinN(1).setMaxN(2).setMaxTokens(maxTokens).setSeed(seed)
        .setLowercase(true).build();
  }

  @Test
  void fnv1a64PublishedVectors() {
    assertEquals(0xcbf29ce484222325L, HashingFeaturizer.fnv1a64(new byte[0], 0));
    assertEquals(0xaf63dc4c8601ec8cL, HashingFeaturizer.fnv1a64("a".getBytes(StandardCharsets.UTF_8), 0));
    assertEquals(0x85944171f73967e8L, HashingFeaturizer.fnv1a64("foobar".getBytes(StandardCharsets.UTF_8), 0));
  }

  @Test
  void bucketsMatchTheGraphContractReferences() {
    HashingFeaturizer f = new HashingFeaturizer(spec(32768, 0, 64));
    assertEquals(15627, f.bucketOf("hello"));
    assertEquals(18317, f.bucketOf("what is my balance"));
    assertEquals(3663, f.bucketOf("my balance"));
    assertEquals(7681, f.bucketOf("é"));
    HashingFeaturizer seeded = new HashingFeaturizer(spec(32768, 20261125, 64));
    assertEquals(30840, seeded.bucketOf("hello"));
    assertEquals(18002, seeded.bucketOf("my balance"));
  }

  @Test
  void tokensNgramsAndIdsMatchThePythonReference() {
    HashingFeaturizer f = new HashingFeaturizer(spec(50000, 7, 64));
    String text = "What's the weather in São Paulo, tomorrow?";
    assertEquals(List.of("what", "s", "the", "weather", "in", "são", "paulo", "tomorrow", "what s", "s the",
        "the weather", "weather in", "in são", "são paulo", "paulo tomorrow"), f.ngrams(text));
    long[] expected = {16248, 8739, 1041, 7698, 35197, 7618, 21697, 20201, 36321, 38712, 42725, 24793, 21599, 17893,
        46004};
    HashingFeaturizer.Features feats = f.featurize(text);
    assertEquals(15, feats.count());
    long[] ids = new long[64];
    System.arraycopy(expected, 0, ids, 0, expected.length);
    assertArrayEquals(ids, feats.ids());
    float[] mask = new float[64];
    java.util.Arrays.fill(mask, 0, 15, 1f);
    assertArrayEquals(mask, feats.mask());
  }

  @Test
  void separatorsEmojiAndCase() {
    HashingFeaturizer f = new HashingFeaturizer(spec(100, 0, 8));
    assertEquals(List.of("add", "b2b", "to", "my", "list"), f.tokens("Add \uD83C\uDF55B2B_to my-list!!"));
    assertEquals(List.of(), f.tokens(" ,.?! "));
    HashingFeaturizer.Features empty = f.featurize("?!");
    assertEquals(0, empty.count());
    assertArrayEquals(new float[8], empty.mask());
    HashingSpec keepCase = spec(100, 0, 8).toBuilder().setLowercase(false).build();
    assertEquals(List.of("Hi", "There"), new HashingFeaturizer(keepCase).tokens("Hi There"));
  }

  @Test
  void truncatesToMaxTokensKeepingUnigramsFirst() {
    HashingFeaturizer f = new HashingFeaturizer(spec(1000, 0, 4));
    HashingFeaturizer.Features feats = f.featurize("a b c d e");
    assertEquals(4, feats.count());
    assertArrayEquals(new long[] {f.bucketOf("a"), f.bucketOf("b"), f.bucketOf("c"), f.bucketOf("d")}, feats.ids());
  }

  @Test
  void batchIsPaddedToTheLongestRow() {
    HashingFeaturizer f = new HashingFeaturizer(spec(1000, 0, 64));
    HashingFeaturizer.Batch b = f.featurizeBatch(List.of("a b", "c", ""));
    assertEquals(3, b.length()); // "a b" gives a, b, "a b"
    assertEquals(3, b.rows());
    assertArrayEquals(new long[] {f.bucketOf("a"), f.bucketOf("b"), f.bucketOf("a b"), f.bucketOf("c"), 0, 0, 0, 0,
        0}, b.ids());
    assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0, 0}, b.mask());
    assertEquals(1, f.featurizeBatch(List.of("")).length());
  }

  @Test
  void rejectsInvalidSpecs() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HashingFeaturizer(spec(0, 0, 4)));
    assertEquals("buckets must be in [1, 2^30], got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new HashingFeaturizer(spec(10, 0, 4).toBuilder().setMinN(3).setMaxN(2).build()));
    assertThrows(IllegalArgumentException.class, () -> new HashingFeaturizer(spec(10, 0, 0)));
  }
}
