package io.trustfl.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.trustfl.onnx.graph.ElementType;
import io.trustfl.onnx.graph.GraphBuilder;
import io.trustfl.onnx.graph.Op;
import io.trustfl.onnx.layers.LayerForward;
import io.trustfl.onnx.layers.ParameterDef;
import io.trustfl.onnx.layers.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Assembles a {@link ModelSpec} into the four graphs of the graph contract (this module's README): names, dtypes
 * and shapes of inputs and outputs are defined there and asserted by the tests.
 *
 * <p>{@code dp_train_step} implements DP-SGD's per-example clipping (Abadi et al. 2016) with ghost clipping (Li et
 * al. 2022, "Large language models can be strong differentially private learners"): one backward pass of the
 * unweighted per-example loss gradients yields every layer's output gradient δ and, by each layer's ghost identity,
 * the per-example squared norms; the clip factors {@code f_i = m_i·min(1, C/‖g_i‖)} then re-weight δ and each
 * layer's parameter gradient is emitted from {@code f ⊙ δ}. Because parameter gradients are linear in δ and δ of a
 * lower layer is linear in δ of the upper one, this equals a second backward pass started from {@code f ⊙ δ_logits},
 * without repeating the propagation.
 *
 * <p>Stateless; thread-safe.
 */
public final class ModelGraphs {
  /** Graph names, in bundle order. */
  public static final List<String> GRAPH_NAMES = List.of("forward", "train_step", "dp_train_step", "input_grad");

  private static final String BATCH = "batch";
  private static final double NORM_FLOOR = 1e-20;
  private static final double MASS_FLOOR = 1e-12;

  private ModelGraphs() {}

  /**
   * One built graph and its interface.
   *
   * @param name one of {@link #GRAPH_NAMES}
   * @param model the ONNX model
   * @param inputNames graph input names, in order
   * @param outputNames graph output names, in order
   */
  public record BuiltGraph(String name, ModelProto model, List<String> inputNames, List<String> outputNames) {
    /** Copies the lists. */
    public BuiltGraph {
      inputNames = List.copyOf(inputNames);
      outputNames = List.copyOf(outputNames);
    }
  }

  /** All four graphs of {@code spec} in {@link #GRAPH_NAMES} order. */
  public static List<BuiltGraph> all(ModelSpec spec, ElementType real) {
    return List.of(forward(spec, real), trainStep(spec, real), dpTrainStep(spec, real), inputGrad(spec, real));
  }

  /** The graph named {@code name}. */
  public static BuiltGraph build(String name, ModelSpec spec, ElementType real) {
    return switch (name) {
      case "forward" -> forward(spec, real);
      case "train_step" -> trainStep(spec, real);
      case "dp_train_step" -> dpTrainStep(spec, real);
      case "input_grad" -> inputGrad(spec, real);
      default -> throw new IllegalArgumentException("graph name must be one of " + GRAPH_NAMES + ", got '" + name
          + "'");
    };
  }

  /** {@code forward}: model inputs and parameters → {@code logits}. */
  public static BuiltGraph forward(ModelSpec spec, ElementType real) {
    GraphBuilder g = new GraphBuilder("forward", real);
    List<String> x = declareInputs(g, spec);
    declareParameters(g, spec);
    Forward f = runForward(g, spec, x);
    g.output(f.logits, "logits", real, BATCH, spec.classes());
    return finish(g, spec);
  }

  /** {@code train_step}: mean masked loss, per-example losses and masked gradient sums. */
  public static BuiltGraph trainStep(ModelSpec spec, ElementType real) {
    GraphBuilder g = new GraphBuilder("train_step", real);
    List<String> x = declareInputs(g, spec);
    String labels = g.input("labels", ElementType.INT64, BATCH);
    String mask = g.input("example_mask", real, BATCH);
    declareParameters(g, spec);
    Forward f = runForward(g, spec, x);
    SoftmaxCrossEntropy.Result ce = new SoftmaxCrossEntropy(spec.classes()).apply(g, f.logits, labels);
    String loss = meanLoss(g, ce.losses(), mask);
    String delta = g.mul(ce.logitGradient(), g.unsqueeze(mask, 1));
    Map<String, String> grads = new LinkedHashMap<>();
    for (int l = f.layers.size() - 1; l >= 0; l--) {
      LayerForward lf = f.layers.get(l);
      grads.putAll(lf.parameterGradients(g, delta));
      if (l > 0) {
        delta = lf.inputGradient(g, delta);
      }
    }
    g.output(loss, "loss", real);
    g.output(ce.losses(), "losses", real, BATCH);
    outputGradients(g, spec, grads);
    return finish(g, spec);
  }

  /** {@code dp_train_step}: per-example losses and norms, clip factors, and the sum of clipped gradients. */
  public static BuiltGraph dpTrainStep(ModelSpec spec, ElementType real) {
    GraphBuilder g = new GraphBuilder("dp_train_step", real);
    List<String> x = declareInputs(g, spec);
    String labels = g.input("labels", ElementType.INT64, BATCH);
    String mask = g.input("example_mask", real, BATCH);
    String clip = g.input("clip_norm", real);
    declareParameters(g, spec);
    Forward f = runForward(g, spec, x);
    SoftmaxCrossEntropy.Result ce = new SoftmaxCrossEntropy(spec.classes()).apply(g, f.logits, labels);
    String loss = meanLoss(g, ce.losses(), mask);

    // Pass 1: unweighted per-example deltas at every layer, and ghost squared norms.
    String[] deltas = new String[f.layers.size()];
    String delta = ce.logitGradient();
    String sq = null;
    for (int l = f.layers.size() - 1; l >= 0; l--) {
      LayerForward lf = f.layers.get(l);
      deltas[l] = delta;
      Optional<String> ghost = lf.ghostSquaredNorm(g, delta);
      if (ghost.isPresent()) {
        sq = sq == null ? ghost.get() : g.add(sq, ghost.get());
      }
      if (l > 0) {
        delta = lf.inputGradient(g, delta);
      }
    }
    if (sq == null) {
      throw new IllegalArgumentException("model " + spec.modelId() + " has no parameters to train");
    }
    String norms = g.node(Op.SQRT, "norms", sq);
    String ratio = g.div(clip, g.node(Op.MAX, "norm_floor", norms, g.scalar(NORM_FLOOR)));
    String factors = g.mul(mask, g.node(Op.MIN, "clip", ratio, g.scalar(1.0)));

    // Pass 2: parameter gradients from the re-weighted deltas f_i·δ_i.
    String f2 = g.unsqueeze(factors, 1);
    Map<String, String> grads = new LinkedHashMap<>();
    for (int l = f.layers.size() - 1; l >= 0; l--) {
      Map<String, String> lg = f.layers.get(l).parameterGradients(g, g.mul(deltas[l], f2));
      grads.putAll(lg);
    }
    g.output(loss, "loss", real);
    g.output(ce.losses(), "losses", real, BATCH);
    g.output(norms, "grad_norms", real, BATCH);
    g.output(factors, "clip_factors", real, BATCH);
    outputGradients(g, spec, grads);
    return finish(g, spec);
  }

  /** {@code input_grad}: logits and ∂(Σ w ⊙ logits)/∂(first layer's real input). */
  public static BuiltGraph inputGrad(ModelSpec spec, ElementType real) {
    GraphBuilder g = new GraphBuilder("input_grad", real);
    List<String> x = declareInputs(g, spec);
    String weights = g.input("logit_weights", real, BATCH, spec.classes());
    declareParameters(g, spec);
    Forward f = runForward(g, spec, x);
    String delta = weights;
    for (int l = f.layers.size() - 1; l >= 0; l--) {
      delta = f.layers.get(l).inputGradient(g, delta);
    }
    ModelInput realInput = spec.inputs().stream().filter(in -> !in.integer()).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalArgumentException("model " + spec.modelId() + " has no real-valued input"));
    g.output(f.logits, "logits", real, BATCH, spec.classes());
    g.output(delta, "input_grad", real, realInput.dims().toArray());
    return finish(g, spec);
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  private record Forward(List<LayerForward> layers, String logits) {}

  private static List<String> declareInputs(GraphBuilder g, ModelSpec spec) {
    List<String> names = new ArrayList<>();
    for (ModelInput in : spec.inputs()) {
      names.add(g.input(in.name(), in.integer() ? ElementType.INT64 : g.real(), in.dims().toArray()));
    }
    return names;
  }

  private static void declareParameters(GraphBuilder g, ModelSpec spec) {
    for (ParameterDef p : spec.parameters()) {
      g.input(p.name(), g.real(), p.dims());
    }
  }

  private static Forward runForward(GraphBuilder g, ModelSpec spec, List<String> inputs) {
    List<LayerForward> fs = new ArrayList<>();
    List<String> in = inputs;
    for (var layer : spec.layers()) {
      LayerForward lf = layer.forward(g, in);
      fs.add(lf);
      in = List.of(lf.output());
    }
    return new Forward(List.copyOf(fs), in.get(0));
  }

  private static String meanLoss(GraphBuilder g, String losses, String mask) {
    String total = g.reduceSum(g.mul(losses, mask), false, 0);
    String mass = g.node(Op.MAX, "mass", g.reduceSum(mask, false, 0), g.scalar(MASS_FLOOR));
    return g.div(total, mass);
  }

  private static void outputGradients(GraphBuilder g, ModelSpec spec, Map<String, String> grads) {
    for (ParameterDef p : spec.parameters()) {
      String v = grads.get(p.name());
      if (v == null) {
        throw new IllegalStateException("no gradient was emitted for parameter " + p.name());
      }
      g.output(v, "grad." + p.name(), g.real(), p.dims());
    }
  }

  private static BuiltGraph finish(GraphBuilder g, ModelSpec spec) {
    ModelProto m = g.build("trustfl-onnx-models:" + spec.modelId());
    return new BuiltGraph(m.getGraph().getName(), m, g.inputNames(), g.outputNames());
  }
}
