package io.trustfl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trustfl.model.HashingFeaturizer;
import io.trustfl.model.TextEncoder;
import io.trustfl.proto.HashingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextFeaturesTest {
  @Test
  void labelIndexesFollowTheModelsClassOrder() {
    assertArrayEquals(new int[] {2, 0, 2}, TextFeatures.labelIndexes(List.of("c", "a", "c"), List.of("a", "b", "c"),
        "training"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TextFeatures.labelIndexes(List.of("a", "oos"), List.of("a", "b"), "test"));
    assertEquals("test example 1 has label 'oos', which is not one of the model's 2 classes; use a bundle built for"
        + " this data set's labels or drop those examples", e.getMessage());
  }

  @Test
  void hashedRowsArePaddedToTheLongestRow() {
    HashingFeaturizer f = new HashingFeaturizer(HashingSpec.newBuilder().setBuckets(1000).setMinN(1).setMaxN(2)
        .setMaxTokens(64).setSeed(0).setLowercase(true).build());
    TokenFeatures t = TextFeatures.hash(f, List.of("book a table", "hi", "", "play the new song now"));
    // unigrams + bigrams: 3+2 = 5, 1, 0, 5+4 = 9
    assertEquals(9, t.length());
    assertEquals(4, t.rows());
    float[] row0 = java.util.Arrays.copyOfRange(t.mask(), 0, 9);
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0, 0, 0, 0}, row0);
    float[] row2 = java.util.Arrays.copyOfRange(t.mask(), 18, 27);
    assertArrayEquals(new float[9], row2, "an empty text has no tokens");
    HashingFeaturizer.Features hi = f.featurize("hi");
    assertEquals(hi.ids()[0], t.ids()[9]);
  }

  @Test
  void embeddingsAreCopiedRowForRow() {
    TextEncoder enc = new TextEncoder() {
      @Override
      public String id() {
        return "len";
      }

      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public float[][] encodeAll(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
          out[i] = new float[] {texts.get(i).length(), i};
        }
        return out;
      }
    };
    DenseFeatures d = TextFeatures.embed(enc, List.of("ab", "xyz"));
    assertArrayEquals(new float[] {2, 0, 3, 1}, d.values());
    assertEquals(2, d.dim());
  }
}
