package io.trustfl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.trustfl.proto.Graph;
import io.trustfl.proto.ModelBundle;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runtime on a hand-built graph: results against hand computations, pinned outputs, shapes, lifecycle. */
class BundleRuntimeTest {
  private static final float[] W = {1, 2, 3, 4, 5, 6};
  private static final float[] B = {0.5f, -100};

  private static BundleRuntime open() {
    return BundleRuntime.open(TinyGraphs.bundle(), SessionSettings.forDevices(), Set.of(ModelBundles.FORWARD));
  }

  private static void fill(Binding bind, float[] x, long[] idx) {
    bind.floats("x").put(x);
    bind.floats("w").put(W);
    bind.floats("b").put(B);
    bind.longs("idx").put(idx);
  }

  @Test
  void runsOverPinnedBuffersAndMatchesHandComputation() {
    try (BundleRuntime rt = open(); Binding bind = rt.bind(ModelBundles.FORWARD,
        Map.of("x", new long[] {2, 3}, "w", new long[] {3, 2}, "b", new long[] {2}, "idx", new long[] {2}))) {
      assertEquals(List.of(ModelBundles.FORWARD), rt.graphNames());
      assertArrayEquals(new long[] {2, 2}, bind.shape("y"));
      assertArrayEquals(new long[0], bind.shape("total"));
      assertArrayEquals(new long[] {-1, 3}, rt.declaredShape(ModelBundles.FORWARD, "x"));
      fill(bind, new float[] {1, 0, 0, 0, 1, 1}, new long[] {3, -7});
      FloatBuffer y = bind.floats("y");
      bind.run();
      // Row 0 = [1,0,0]·W + b = [1.5, -98]; row 1 = [0,1,1]·W + b = [3+5+0.5, 4+6-100] = [8.5, -90].
      float[] got = new float[4];
      y.get(got);
      assertArrayEquals(new float[] {1.5f, -98, 8.5f, -90}, got);
      float[] z = new float[4];
      bind.floats("z").get(z);
      assertArrayEquals(new float[] {1.5f, 0, 8.5f, 0}, z);
      LongBuffer idx2 = bind.longs("idx2");
      assertEquals(6, idx2.get(0));
      assertEquals(-14, idx2.get(1));
      assertEquals(1.5f - 98 + 8.5f - 90, bind.floats("total").get(0), 1e-4);

      // Second run on new inputs writes into the same (pinned) output memory.
      fill(bind, new float[] {2, 0, 0, 0, 0, 0}, new long[] {1, 2});
      bind.run();
      assertEquals(2.5f, y.get(0));
      assertEquals(-96f, y.get(1));
      assertEquals(0.5f, y.get(2));
      assertEquals(4, bind.longs("idx2").get(1));
    }
  }

  @Test
  void shapeAndTypeMisuseIsRejectedClearly() {
    try (BundleRuntime rt = open()) {
      Map<String, long[]> ok = Map.of("x", new long[] {2, 3}, "w", new long[] {3, 2}, "b", new long[] {2},
          "idx", new long[] {2});
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
          () -> rt.bind(ModelBundles.FORWARD, Map.of("x", new long[] {2, 3})));
      assertTrue(missing.getMessage().contains("needs a shape for input"), missing.getMessage());
      IllegalArgumentException fixed = assertThrows(IllegalArgumentException.class,
          () -> rt.bind(ModelBundles.FORWARD, Map.of("x", new long[] {2, 4}, "w", new long[] {3, 2},
              "b", new long[] {2}, "idx", new long[] {2})));
      assertTrue(fixed.getMessage().contains("is fixed at 3"), fixed.getMessage());
      IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
          () -> rt.bind(ModelBundles.FORWARD, Map.of("x", new long[] {2, 3}, "w", new long[] {3, 2},
              "b", new long[] {2}, "idx", new long[] {5})));
      assertTrue(batch.getMessage().contains("dimension 'batch' is 2 elsewhere but 5"), batch.getMessage());
      IllegalArgumentException graph = assertThrows(IllegalArgumentException.class, () -> rt.bind("train_step", ok));
      assertTrue(graph.getMessage().contains("has no graph 'train_step'"), graph.getMessage());
      try (Binding bind = rt.bind(ModelBundles.FORWARD, ok)) {
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> bind.floats("idx"));
        assertTrue(type.getMessage().contains("has element type INT64"), type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bind.floats("nope"));
      }
    }
  }

  @Test
  void closeIsIdempotentAndClosesBindings() {
    BundleRuntime rt = open();
    Binding bind = rt.bind(ModelBundles.FORWARD, Map.of("x", new long[] {1, 3}, "w", new long[] {3, 2},
        "b", new long[] {2}, "idx", new long[] {1}));
    fill(bind, new float[] {1, 1, 1}, new long[] {1});
    bind.run();
    rt.close();
    rt.close();
    IllegalStateException run = assertThrows(IllegalStateException.class, bind::run);
    assertTrue(run.getMessage().contains("closed"), run.getMessage());
    assertThrows(IllegalStateException.class, () -> bind.floats("y"));
    bind.close();
    assertThrows(IllegalStateException.class, () -> rt.bind(ModelBundles.FORWARD, Map.of()));
  }

  @Test
  void bindingCloseIsIdempotent() {
    try (BundleRuntime rt = open()) {
      Binding bind = rt.bind(ModelBundles.FORWARD, Map.of("x", new long[] {1, 3}, "w", new long[] {3, 2},
          "b", new long[] {2}, "idx", new long[] {1}));
      bind.close();
      bind.close();
      IllegalStateException e = assertThrows(IllegalStateException.class, bind::run);
      assertTrue(e.getMessage().contains("binding of graph 'forward' is closed"), e.getMessage());
    }
  }

  @Test
  void refusesBundlesThatFailVerification() {
    ModelBundle good = TinyGraphs.bundle();
    InvalidBundleException missing = assertThrows(InvalidBundleException.class, () -> BundleRuntime.open(good,
        SessionSettings.forDevices(), Set.of(ModelBundles.FORWARD, ModelBundles.DP_TRAIN_STEP)));
    assertTrue(missing.getMessage().contains("has no graph 'dp_train_step'"), missing.getMessage());

    // A graph whose declared names differ from its ONNX model's.
    Graph wrongNames = good.getGraphs(0).toBuilder().clearOutputNames().addAllOutputNames(List.of("y", "logits"))
        .build();
    ModelBundle renamed = ModelBundles.seal(good.toBuilder().setGraphs(0, wrongNames).build());
    InvalidBundleException names = assertThrows(InvalidBundleException.class, () -> BundleRuntime.open(renamed,
        SessionSettings.forDevices(), Set.of(ModelBundles.FORWARD)));
    assertTrue(names.getMessage().contains("declares outputs [y, logits]"), names.getMessage());

    // Bytes that are not an ONNX model, sealed (so the checksum passes): ONNX Runtime's error, wrapped.
    Graph garbage = good.getGraphs(0).toBuilder().setOnnx(ByteString.copyFromUtf8("not onnx")).build();
    ModelBundle broken = ModelBundles.seal(good.toBuilder().setGraphs(0, garbage).build());
    ModelRuntimeException load = assertThrows(ModelRuntimeException.class, () -> BundleRuntime.open(broken,
        SessionSettings.forDevices(), Set.of(ModelBundles.FORWARD)));
    assertTrue(load.getMessage().contains("cannot load graph 'forward'"), load.getMessage());
  }

  @Test
  void runtimeKeepsTheBundle() {
    ModelBundle b = TinyGraphs.bundle();
    try (BundleRuntime rt = BundleRuntime.open(b, SessionSettings.singleThreaded(), Set.of())) {
      assertSame(b, rt.bundle());
    }
  }
}
