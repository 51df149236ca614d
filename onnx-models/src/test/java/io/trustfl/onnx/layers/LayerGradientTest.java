package io.trustfl.onnx.layers;

import static io.trustfl.onnx.GradientChecks.random;
import static io.trustfl.onnx.GradientChecks.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trustfl.onnx.GradientChecks;
import io.trustfl.onnx.OrtRunner;
import io.trustfl.onnx.OrtRunner.In;
import io.trustfl.onnx.graph.ElementType;
import io.trustfl.onnx.graph.GraphBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each layer's backward nodes against central finite differences of its own forward nodes, in double precision:
 * the layer is built into a float64 graph computing {@code obj = Σ y ⊙ r} (r a fixed random upstream gradient), and
 * {@code ∂obj/∂input} and {@code ∂obj/∂param} from the layer's backward are compared with {@code (obj(v+h) −
 * obj(v−h)) / 2h}, h = 1e-5, for every element. The ghost squared norms are compared with the squared norms of the
 * explicit per-example gradients obtained by running the same graph on one example at a time.
 */
class LayerGradientTest {
  private static final double TOL = 1e-7;
  /** Layer gradients must be non-zero somewhere above this, or the comparison proves nothing. */
  private static final double NON_ZERO = 1e-3;

  /** Values of one test case: real inputs, int inputs and parameters by graph name, with shapes. */
  private static final class Case {
    final Map<String, In> values = new HashMap<>();
    final List<String> realNames = new ArrayList<>(); // perturbed by finite differences
    final Map<String, Integer> batchAxisRows = new HashMap<>(); // name -> true if it has a batch axis
  }

  @Test
  void linearBackwardAndGhostNormMatchFiniteDifferences() throws Exception {
    SplittableRandom rng = new SplittableRandom(1);
    int b = 3;
    int in = 4;
    int out = 3;
    Linear layer = new Linear("w", "b", in, out);
    Case c = new Case();
    put(c, "x", In.real(random(rng, b * in, 1.0), b, in), true, true);
    put(c, "w", In.real(random(rng, in * out, 1.0), in, out), true, false);
    put(c, "b", In.real(random(rng, out, 1.0), out), true, false);
    check(layer, List.of("x"), c, b, out, true);
  }

  @Test
  void reluBackwardMatchesFiniteDifferences() throws Exception {
    SplittableRandom rng = new SplittableRandom(2);
    int b = 3;
    int w = 5;
    double[] x = random(rng, b * w, 1.0);
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.copySign(0.2 + Math.abs(x[i]), x[i]); // away from the kink at 0
    }
    Case c = new Case();
    put(c, "x", In.real(x, b, w), true, true);
    check(new Relu(w), List.of("x"), c, b, w, true);
  }

  @Test
  void tanhBackwardMatchesFiniteDifferences() throws Exception {
    SplittableRandom rng = new SplittableRandom(3);
    int b = 3;
    int w = 5;
    Case c = new Case();
    put(c, "x", In.real(random(rng, b * w, 2.0), b, w), true, true);
    check(new Tanh(w), List.of("x"), c, b, w, true);
  }

  @Test
  void embeddingBagBackwardAndGhostNormMatchFiniteDifferences() throws Exception {
    SplittableRandom rng = new SplittableRandom(4);
    int b = 4;
    int l = 5;
    int v = 6;
    int d = 3;
    // Repeated ids within a row (row 0: id 1 twice; row 1: id 3 five times), padding positions (mask 0) whose id
    // repeats a real id (row 2), soft weights, and a row with a single token.
    long[] ids = {1, 1, 2, 5, 0, 3, 3, 3, 3, 3, 4, 2, 4, 0, 4, 5, 0, 0, 0, 0};
    double[] mask = {1, 1, 1, 0.5, 0, 1, 1, 1, 0.25, 1, 1, 0.7, 1, 0, 0, 2, 0, 0, 0, 0};
    Case c = new Case();
    put(c, "ids", In.int64(ids, b, l), false, true);
    put(c, "mask", In.real(mask, b, l), true, true);
    put(c, "table", In.real(random(rng, v * d, 1.0), v, d), true, false);
    check(new HashedEmbeddingBag("table", v, d), List.of("ids", "mask"), c, b, d, true);
  }

  @Test
  void embeddingBagGhostNormCountsRepeatedIdsByHand() throws Exception {
    // One example, ids [7, 7, 2], mask [1, 1, 1]: p = 1/3 each, Σ_id (Σ p)² = (2/3)² + (1/3)² = 5/9.
    int v = 8;
    int d = 2;
    GraphBuilder g = new GraphBuilder("bag", ElementType.DOUBLE);
    g.input("ids", ElementType.INT64, "batch", "tokens");
    g.input("mask", ElementType.DOUBLE, "batch", "tokens");
    g.input("table", ElementType.DOUBLE, (long) v, (long) d);
    String r = g.input("r", ElementType.DOUBLE, "batch", (long) d);
    LayerForward f = new HashedEmbeddingBag("table", v, d).forward(g, List.of("ids", "mask"));
    g.output(f.ghostSquaredNorm(g, r).orElseThrow(), "ghost", ElementType.DOUBLE, "batch");
    try (OrtRunner ort = new OrtRunner(g.build("test"))) {
      Map<String, double[]> out = ort.run(Map.of("ids", In.int64(new long[] {7, 7, 2}, 1, 3),
          "mask", In.real(new double[] {1, 1, 1}, 1, 3), "table", In.real(new double[v * d], v, d),
          "r", In.real(new double[] {3, 4}, 1, d)));
      assertEquals(25.0 * 5 / 9, out.get("ghost")[0], 1e-12);
    }
  }

  @Test
  void softmaxCrossEntropyLossAndGradientMatchReference() throws Exception {
    SplittableRandom rng = new SplittableRandom(5);
    int b = 3;
    int k = 4;
    double[] z = random(rng, b * k, 3.0);
    long[] labels = {2, 0, 3};
    double[] weights = {1.0, 0.5, 2.0};
    GraphBuilder g = new GraphBuilder("ce", ElementType.DOUBLE);
    String zi = g.input("z", ElementType.DOUBLE, "batch", (long) k);
    String yi = g.input("labels", ElementType.INT64, "batch");
    String ci = g.input("c", ElementType.DOUBLE, "batch");
    SoftmaxCrossEntropy.Result ce = new SoftmaxCrossEntropy(k).apply(g, zi, yi);
    g.output(g.reduceSum(g.mul(ce.losses(), ci), false, 0), "obj", ElementType.DOUBLE);
    g.output(ce.losses(), "losses", ElementType.DOUBLE, "batch");
    g.output(g.mul(ce.logitGradient(), g.unsqueeze(ci, 1)), "grad", ElementType.DOUBLE, "batch", (long) k);
    try (OrtRunner ort = new OrtRunner(g.build("test"))) {
      Map<String, In> in = new HashMap<>(Map.of("z", In.real(z, b, k), "labels", In.int64(labels, b),
          "c", In.real(weights, b)));
      Map<String, double[]> out = ort.run(in);
      for (int i = 0; i < b; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          max = Math.max(max, z[i * k + j]);
        }
        double s = 0;
        for (int j = 0; j < k; j++) {
          s += Math.exp(z[i * k + j] - max);
        }
        double expected = max + Math.log(s) - z[i * k + (int) labels[i]];
        assertEquals(expected, out.get("losses")[i], 1e-12, "loss of example " + i);
      }
      double[] fd = finiteDifferences(ort, in, "z", "obj");
      assertClose(fd, out.get("grad"), "∂obj/∂z");
    }
  }

  // ---- harness ----------------------------------------------------------------------------------------------

  private static void put(Case c, String name, In value, boolean real, boolean batched) {
    c.values.put(name, value);
    if (real) {
      c.realNames.add(name);
    }
    if (batched) {
      c.batchAxisRows.put(name, 1);
    }
  }

  private static void check(Layer layer, List<String> inputs, Case c, int batch, int outWidth, boolean ghostCheck)
      throws Exception {
    GraphBuilder g = new GraphBuilder("layer", ElementType.DOUBLE);
    for (String name : inputs) {
      In v = c.values.get(name);
      Object[] dims = new Object[v.shape().length];
      dims[0] = "batch";
      for (int i = 1; i < dims.length; i++) {
        dims[i] = v.shape()[i];
      }
      g.input(name, v.ints() != null ? ElementType.INT64 : ElementType.DOUBLE, dims);
    }
    for (ParameterDef p : layer.parameters()) {
      g.input(p.name(), ElementType.DOUBLE, p.dims());
    }
    String r = g.input("r", ElementType.DOUBLE, "batch", (long) outWidth);
    LayerForward f = layer.forward(g, inputs);
    g.output(g.reduceSum(g.mul(f.output(), r), false, 0, 1), "obj", ElementType.DOUBLE);
    String realInput = inputs.get(inputs.size() - 1);
    Object[] inputDims = shapeDims(c.values.get(realInput).shape());
    inputDims[0] = "batch";
    g.output(f.inputGradient(g, r), "grad_input", ElementType.DOUBLE, inputDims);
    for (Map.Entry<String, String> e : f.parameterGradients(g, r).entrySet()) {
      g.output(e.getValue(), "grad." + e.getKey(), ElementType.DOUBLE, shapeDims(c.values.get(e.getKey()).shape()));
    }
    Optional<String> ghost = f.ghostSquaredNorm(g, r);
    if (ghost.isPresent()) {
      g.output(ghost.get(), "ghost", ElementType.DOUBLE, "batch");
    }
    assertEquals(layer.parameters().isEmpty(), ghost.isEmpty(), "a layer has a ghost norm iff it has parameters");

    SplittableRandom rng = new SplittableRandom(99);
    Map<String, In> values = new HashMap<>(c.values);
    values.put("r", In.real(random(rng, batch * outWidth, 1.0), batch, outWidth));
    try (OrtRunner ort = new OrtRunner(g.build("test"))) {
      Map<String, double[]> out = ort.run(values);
      assertClose(finiteDifferences(ort, values, realInput, "obj"), out.get("grad_input"), "∂obj/∂" + realInput);
      for (ParameterDef p : layer.parameters()) {
        assertClose(finiteDifferences(ort, values, p.name(), "obj"), out.get("grad." + p.name()),
            "∂obj/∂" + p.name());
      }
      if (ghost.isPresent() && ghostCheck) {
        for (int i = 0; i < batch; i++) {
          Map<String, In> one = new HashMap<>(values);
          for (String name : c.batchAxisRows.keySet()) {
            one.put(name, row(values.get(name), i));
          }
          one.put("r", row(values.get("r"), i));
          Map<String, double[]> o = ort.run(one);
          double sq = 0;
          for (ParameterDef p : layer.parameters()) {
            for (double x : o.get("grad." + p.name())) {
              sq += x * x;
            }
          }
          assertEquals(sq, out.get("ghost")[i], 1e-10 * Math.max(1, sq), "ghost squared norm of example " + i);
        }
      }
    }
  }

  private static Object[] shapeDims(long[] shape) {
    Object[] d = new Object[shape.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = shape[i];
    }
    return d;
  }

  /** Finite differences of the graph output {@code objective} (a scalar) with respect to the input {@code name}. */
  private static double[] finiteDifferences(OrtRunner ort, Map<String, In> values, String name, String objective)
      throws Exception {
    return GradientChecks.finiteDifferences(ort, values, name, o -> o.get(objective)[0]);
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    GradientChecks.assertClose(expected, actual, TOL, NON_ZERO, what);
  }
}
