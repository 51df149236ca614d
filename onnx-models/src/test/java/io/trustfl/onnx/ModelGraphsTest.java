package io.trustfl.onnx;

import static io.trustfl.onnx.GradientChecks.assertClose;
import static io.trustfl.onnx.GradientChecks.finiteDifferences;
import static io.trustfl.onnx.GradientChecks.random;
import static io.trustfl.onnx.GradientChecks.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.onnx.OrtRunner.In;
import io.trustfl.onnx.graph.ElementType;
import io.trustfl.onnx.layers.ParameterDef;
import io.trustfl.proto.Graph;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Model-level checks of the four graphs: forward against a plain-Java reference; train_step and input_grad against
 * central finite differences (float64 variants of the same graphs); dp_train_step's norms and clipped sum against
 * explicit per-example gradients from train_step run on one example at a time (the shipped float32 graphs).
 */
class ModelGraphsTest {
  /** Model gradients must be non-zero somewhere above this, or the comparison proves nothing. */
  private static final double NON_ZERO = 1e-4;

  // ---- forward vs plain Java -----------------------------------------------------------------------------

  @Test
  void minilmForwardMatchesPlainJavaReference() throws Exception {
    ModelBundle bundle = Bundles.loadShipped(IntentModels.MINILM_MLP);
    Map<String, double[]> w = weights(bundle);
    int b = 3;
    int f = 384;
    int h = 256;
    int c = 150;
    SplittableRandom rng = new SplittableRandom(11);
    double[] x = random(rng, b * f, 0.2);
    // Non-zero biases so that they are checked too.
    w.put("head.b1", random(rng, h, 0.1));
    w.put("head.b2", random(rng, c, 0.1));
    Map<String, In> in = paramInputs(bundle, w);
    in.put("features", In.real(x, b, f));
    try (OrtRunner ort = new OrtRunner(graph(bundle, "forward"))) {
      double[] logits = ort.run(in).get("logits");
      for (int i = 0; i < b; i++) {
        double[] hid = new double[h];
        for (int j = 0; j < h; j++) {
          double s = w.get("head.b1")[j];
          for (int k = 0; k < f; k++) {
            s += x[i * f + k] * w.get("head.w1")[k * h + j];
          }
          hid[j] = Math.max(0, s);
        }
        for (int j = 0; j < c; j++) {
          double s = w.get("head.b2")[j];
          for (int k = 0; k < h; k++) {
            s += hid[k] * w.get("head.w2")[k * c + j];
          }
          assertEquals(s, logits[i * c + j], 1e-5, "logit " + i + "," + j);
        }
      }
    }
  }

  @Test
  void bagForwardMatchesPlainJavaReference() throws Exception {
    ModelBundle bundle = Bundles.loadShipped(IntentModels.BAG);
    Map<String, double[]> w = weights(bundle);
    int d = 32;
    int c = 150;
    int l = 4;
    long[] ids = {5, 32767, 5, 0, 100, 200, 300, 400, 9, 9, 9, 9};
    double[] mask = {1, 1, 1, 0, 1, 0.5, 0, 0, 0, 0, 0, 0}; // third row is empty: pools to 0
    int b = 3;
    w.put("cls.b", random(new SplittableRandom(3), c, 0.1));
    Map<String, In> in = paramInputs(bundle, w);
    in.put("token_ids", In.int64(ids, b, l));
    in.put("token_mask", In.real(mask, b, l));
    try (OrtRunner ort = new OrtRunner(graph(bundle, "forward"))) {
      double[] logits = ort.run(in).get("logits");
      for (int i = 0; i < b; i++) {
        double n = 0;
        for (int t = 0; t < l; t++) {
          n += mask[i * l + t];
        }
        double[] pooled = new double[d];
        for (int t = 0; t < l; t++) {
          for (int k = 0; k < d && n > 0; k++) {
            pooled[k] += mask[i * l + t] / n * w.get("bag.embedding")[(int) ids[i * l + t] * d + k];
          }
        }
        for (int j = 0; j < c; j++) {
          double s = w.get("cls.b")[j];
          for (int k = 0; k < d; k++) {
            s += pooled[k] * w.get("cls.w")[k * c + j];
          }
          assertEquals(s, logits[i * c + j], 1e-6, "logit " + i + "," + j);
        }
      }
    }
  }

  // ---- train_step and input_grad vs finite differences (float64 graphs) -----------------------------------

  @Test
  void minilmTrainStepGradientsMatchFiniteDifferences() throws Exception {
    ModelSpec spec = IntentModels.minilmMlp(3, 4);
    SplittableRandom rng = new SplittableRandom(21);
    Map<String, In> in = randomParams(spec, rng, 0.3);
    int b = 4;
    in.put("features", In.real(random(rng, b * 384, 0.3), b, 384));
    checkTrainStep(spec, in, new long[] {0, 2, 1, 2}, new double[] {1, 0, 1, 0.5});
  }

  @Test
  void bagTrainStepGradientsMatchFiniteDifferences() throws Exception {
    ModelSpec spec = IntentModels.bag(3, 7, 4);
    SplittableRandom rng = new SplittableRandom(22);
    Map<String, In> in = randomParams(spec, rng, 0.5);
    in.put("token_ids", In.int64(new long[] {1, 1, 6, 0, 2, 3, 2, 0, 4, 5, 6, 6}, 3, 4));
    in.put("token_mask", In.real(new double[] {1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1}, 3, 4));
    checkTrainStep(spec, in, new long[] {2, 0, 1}, new double[] {1, 1, 0.5});
  }

  @Test
  void minilmInputGradMatchesFiniteDifferences() throws Exception {
    ModelSpec spec = IntentModels.minilmMlp(3, 4);
    SplittableRandom rng = new SplittableRandom(23);
    Map<String, In> in = randomParams(spec, rng, 0.3);
    int b = 2;
    in.put("features", In.real(random(rng, b * 384, 0.3), b, 384));
    in.put("logit_weights", In.real(new double[] {1, 0, 0, 0.5, -1, 2}, b, 3));
    checkInputGrad(spec, in, "features", new double[] {1, 0, 0, 0.5, -1, 2});
  }

  @Test
  void bagInputGradMatchesFiniteDifferences() throws Exception {
    ModelSpec spec = IntentModels.bag(3, 7, 4);
    SplittableRandom rng = new SplittableRandom(24);
    Map<String, In> in = randomParams(spec, rng, 0.5);
    in.put("token_ids", In.int64(new long[] {1, 1, 6, 0, 2, 3, 2, 5}, 2, 4));
    in.put("token_mask", In.real(new double[] {1, 1, 0.5, 0, 1, 0.3, 1, 1}, 2, 4));
    in.put("logit_weights", In.real(new double[] {0, 1, 0, 1, 1, -0.5}, 2, 3));
    checkInputGrad(spec, in, "token_mask", new double[] {0, 1, 0, 1, 1, -0.5});
  }

  private static void checkTrainStep(ModelSpec spec, Map<String, In> base, long[] labels, double[] mask)
      throws Exception {
    Map<String, In> in = new HashMap<>(base);
    in.put("labels", In.int64(labels, labels.length));
    in.put("example_mask", In.real(mask, mask.length));
    try (OrtRunner ort = new OrtRunner(ModelGraphs.trainStep(spec, ElementType.DOUBLE).model())) {
      Map<String, double[]> out = ort.run(in);
      double sumLoss = 0;
      double mass = 0;
      for (int i = 0; i < mask.length; i++) {
        sumLoss += mask[i] * out.get("losses")[i];
        mass += mask[i];
      }
      assertEquals(sumLoss / mass, out.get("loss")[0], 1e-12, "mean masked loss");
      for (ParameterDef p : spec.parameters()) {
        double[] fd = finiteDifferences(ort, in, p.name(), o -> {
          double s = 0;
          for (int i = 0; i < mask.length; i++) {
            s += mask[i] * o.get("losses")[i];
          }
          return s;
        });
        assertClose(fd, out.get("grad." + p.name()), 1e-7, NON_ZERO, "∂Σ m·ℓ/∂" + p.name());
      }
    }
  }

  private static void checkInputGrad(ModelSpec spec, Map<String, In> in, String input, double[] weights)
      throws Exception {
    try (OrtRunner ort = new OrtRunner(ModelGraphs.inputGrad(spec, ElementType.DOUBLE).model())) {
      Map<String, double[]> out = ort.run(in);
      double[] fd = finiteDifferences(ort, in, input, o -> {
        double s = 0;
        for (int i = 0; i < weights.length; i++) {
          s += weights[i] * o.get("logits")[i];
        }
        return s;
      });
      assertClose(fd, out.get("input_grad"), 1e-7, NON_ZERO, "∂Σ w·logits/∂" + input);
    }
  }

  // ---- dp_train_step vs per-example train_step (shipped float32 graphs) -----------------------------------

  @Test
  void minilmDpTrainStepMatchesPerExampleGradients() throws Exception {
    ModelBundle bundle = Bundles.loadShipped(IntentModels.MINILM_MLP);
    int b = 8;
    SplittableRandom rng = new SplittableRandom(31);
    Map<String, In> x = new HashMap<>();
    x.put("features", In.real(random(rng, b * 384, 0.3), b, 384));
    checkDp(bundle, x, b, rng);
  }

  @Test
  void bagDpTrainStepMatchesPerExampleGradients() throws Exception {
    ModelBundle bundle = Bundles.loadShipped(IntentModels.BAG);
    int b = 8;
    int l = 6;
    SplittableRandom rng = new SplittableRandom(32);
    long[] ids = new long[b * l];
    double[] mask = new double[b * l];
    for (int i = 0; i < b; i++) {
      int len = 1 + rng.nextInt(l);
      for (int t = 0; t < l; t++) {
        ids[i * l + t] = t < len ? rng.nextInt(5) * 7919L : 0; // few distinct ids: many repeats within a row
        mask[i * l + t] = t < len ? 1 : 0;
      }
    }
    Map<String, In> x = new HashMap<>();
    x.put("token_ids", In.int64(ids, b, l));
    x.put("token_mask", In.real(mask, b, l));
    checkDp(bundle, x, b, rng);
  }

  private static void checkDp(ModelBundle bundle, Map<String, In> x, int b, SplittableRandom rng) throws Exception {
    int c = bundle.getLabelsCount();
    Map<String, double[]> w = weights(bundle);
    for (String name : w.keySet()) {
      double[] v = w.get(name);
      if (name.endsWith("b1") || name.endsWith("b2") || name.equals("cls.b")) {
        w.put(name, random(rng, v.length, 0.1));
      }
    }
    Map<String, In> params = paramInputs(bundle, w);
    long[] labels = new long[b];
    for (int i = 0; i < b; i++) {
      labels[i] = rng.nextInt(c);
    }
    double[] mask = {1, 1, 0, 1, 1, 1, 0, 1};

    // Explicit per-example gradients: train_step on one example at a time.
    double[][] norms = new double[1][b];
    Map<String, double[][]> perExample = new HashMap<>();
    try (OrtRunner train = new OrtRunner(graph(bundle, "train_step"))) {
      for (int i = 0; i < b; i++) {
        Map<String, In> one = new HashMap<>(params);
        for (Map.Entry<String, In> e : x.entrySet()) {
          one.put(e.getKey(), row(e.getValue(), i));
        }
        one.put("labels", In.int64(new long[] {labels[i]}, 1));
        one.put("example_mask", In.real(new double[] {1}, 1));
        Map<String, double[]> out = train.run(one);
        double sq = 0;
        for (String p : w.keySet()) {
          double[] g = out.get("grad." + p);
          perExample.computeIfAbsent(p, k -> new double[b][])[i] = g;
          for (double v : g) {
            sq += v * v;
          }
        }
        norms[0][i] = Math.sqrt(sq);
      }
    }
    double[] sorted = norms[0].clone();
    java.util.Arrays.sort(sorted);
    double clip = sorted[b / 2]; // about half the examples are clipped
    assertTrue(sorted[0] < clip && clip <= sorted[b - 1], "the clip norm must split the examples");

    Map<String, In> in = new HashMap<>(params);
    in.putAll(x);
    in.put("labels", In.int64(labels, b));
    in.put("example_mask", In.real(mask, b));
    in.put("clip_norm", In.real(new double[] {clip}));
    try (OrtRunner dp = new OrtRunner(graph(bundle, "dp_train_step"))) {
      Map<String, double[]> out = dp.run(in);
      double[] factors = new double[b];
      for (int i = 0; i < b; i++) {
        assertEquals(norms[0][i], out.get("grad_norms")[i], 1e-5 * norms[0][i], "norm of example " + i);
        factors[i] = mask[i] * Math.min(1, clip / norms[0][i]);
        assertEquals(factors[i], out.get("clip_factors")[i], 1e-5, "clip factor of example " + i);
      }
      for (String p : w.keySet()) {
        double[] expected = new double[perExample.get(p)[0].length];
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < expected.length; j++) {
            expected[j] += factors[i] * perExample.get(p)[i][j];
          }
        }
        double scale = 0;
        for (double v : expected) {
          scale = Math.max(scale, Math.abs(v));
        }
        double[] actual = out.get("grad." + p);
        for (int j = 0; j < expected.length; j++) {
          assertEquals(expected[j], actual[j], 1e-5 * scale, "clipped sum of " + p + " [" + j + "]");
        }
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  static byte[] graph(ModelBundle bundle, String name) {
    for (Graph g : bundle.getGraphsList()) {
      if (g.getName().equals(name)) {
        return g.getOnnx().toByteArray();
      }
    }
    throw new AssertionError("bundle has no graph " + name);
  }

  static Map<String, double[]> weights(ModelBundle bundle) {
    Map<String, double[]> w = new java.util.LinkedHashMap<>();
    for (Tensor t : bundle.getInitialWeights().getTensorsList()) {
      ByteBuffer buf = t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      double[] v = new double[buf.remaining() / Float.BYTES];
      for (int i = 0; i < v.length; i++) {
        v[i] = buf.getFloat();
      }
      w.put(t.getName(), v);
    }
    return w;
  }

  static Map<String, In> paramInputs(ModelBundle bundle, Map<String, double[]> w) {
    Map<String, In> in = new HashMap<>();
    for (var p : bundle.getParametersList()) {
      long[] shape = p.getShapeList().stream().mapToLong(Long::longValue).toArray();
      in.put(p.getName(), In.real(w.get(p.getName()), shape));
    }
    return in;
  }

  private static Map<String, In> randomParams(ModelSpec spec, SplittableRandom rng, double scale) {
    Map<String, In> in = new HashMap<>();
    for (ParameterDef p : spec.parameters()) {
      long[] shape = p.shape().stream().mapToLong(Long::longValue).toArray();
      in.put(p.name(), In.real(random(rng, Math.toIntExact(p.size()), scale), shape));
    }
    return in;
  }

  @SuppressWarnings("unused")
  private static List<String> names(ModelBundle b) {
    return b.getParametersList().stream().map(p -> p.getName()).toList();
  }
}
