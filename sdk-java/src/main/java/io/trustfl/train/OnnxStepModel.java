package io.trustfl.train;

import io.trustfl.model.Binding;
import io.trustfl.model.BundleRuntime;
import io.trustfl.model.InvalidBundleException;
import io.trustfl.model.ModelBundles;
import io.trustfl.model.SessionSettings;
import io.trustfl.proto.ModelBundle;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link StepModel} that runs a model bundle's {@code forward}, {@code train_step} and {@code dp_train_step} graphs
 * with ONNX Runtime (graph contract v1, {@code onnx-models/README.md}): parameters are graph inputs, so the same
 * sessions serve every step with the trainer's current weights.
 *
 * <p>Batches are run in row buckets (the batch size rounded up to a multiple of {@value #ROW_ALIGN}, at most
 * {@value #MAX_ROWS} rows per run) with padding rows masked out through {@code example_mask}; since per-example
 * losses, norms and clipped gradient sums are additive over rows, a large batch is split into several runs and
 * summed. Bindings (pre-allocated direct buffers) are cached per (graph, rows, tokens) shape.
 *
 * <p>The bundle is verified (format, checksum, required graphs, ONNX loading, declared input/output names) when
 * opened. Steps and forward passes are not thread-safe (one training loop per instance); {@link #close()} releases
 * the ONNX sessions and is idempotent and thread-safe; use after close throws {@link IllegalStateException}.
 */
public final class OnnxStepModel implements StepModel, AutoCloseable {
  /** Row counts are rounded up to a multiple of this, bounding padding waste and the number of cached bindings. */
  public static final int ROW_ALIGN = 32;
  /** Most rows per graph run; larger batches are split. */
  public static final int MAX_ROWS = 1024;
  private static final int MAX_CACHED_BINDINGS = 24;

  private final BundleRuntime runtime;
  private final ModelBundle bundle;
  private final int classes;
  private final boolean tokenInputs;
  private final int featureDim;
  private final List<String> paramNames;
  private final Map<String, Binding> bindings = new LinkedHashMap<>(16, 0.75f, true);
  private volatile boolean closed;

  private OnnxStepModel(BundleRuntime runtime) {
    this.runtime = runtime;
    this.bundle = runtime.bundle();
    this.classes = bundle.getLabelsCount();
    List<String> fwdInputs = graph(ModelBundles.FORWARD).getInputNamesList();
    if (fwdInputs.contains("features")) {
      tokenInputs = false;
      long[] shape = runtime.declaredShape(ModelBundles.FORWARD, "features");
      if (shape.length != 2 || shape[1] < 1) {
        throw new InvalidBundleException("bundle '" + bundle.getModelId() + "': input 'features' must be [batch, dim]"
            + " with a fixed dim, got " + java.util.Arrays.toString(shape));
      }
      featureDim = (int) shape[1];
    } else if (fwdInputs.contains("token_ids") && fwdInputs.contains("token_mask")) {
      tokenInputs = true;
      featureDim = -1;
    } else {
      throw new InvalidBundleException("bundle '" + bundle.getModelId() + "': graph 'forward' takes " + fwdInputs
          + "; graph contract v1 expects 'features' or 'token_ids' + 'token_mask'");
    }
    List<String> names = new ArrayList<>();
    bundle.getParametersList().forEach(p -> names.add(p.getName()));
    if (names.isEmpty()) {
      throw new InvalidBundleException("bundle '" + bundle.getModelId() + "' declares no parameters");
    }
    this.paramNames = List.copyOf(names);
    for (String g : List.of(ModelBundles.TRAIN_STEP, ModelBundles.DP_TRAIN_STEP)) {
      for (String p : paramNames) {
        if (!graph(g).getOutputNamesList().contains("grad." + p)) {
          throw new InvalidBundleException("bundle '" + bundle.getModelId() + "': graph '" + g + "' has no output"
              + " 'grad." + p + "'; rebuild the bundle");
        }
      }
    }
  }

  /**
   * Verifies {@code bundle} (it must have {@code forward}, {@code train_step} and {@code dp_train_step}) and opens
   * ONNX Runtime sessions for it.
   *
   * @throws InvalidBundleException for a wrong checksum, a missing graph or graphs that break the contract
   */
  public static OnnxStepModel open(ModelBundle bundle, SessionSettings settings) {
    BundleRuntime rt = BundleRuntime.open(bundle, settings,
        Set.of(ModelBundles.FORWARD, ModelBundles.TRAIN_STEP, ModelBundles.DP_TRAIN_STEP));
    try {
      return new OnnxStepModel(rt);
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  private io.trustfl.proto.Graph graph(String name) {
    for (io.trustfl.proto.Graph g : bundle.getGraphsList()) {
      if (g.getName().equals(name)) {
        return g;
      }
    }
    throw new InvalidBundleException("bundle '" + bundle.getModelId() + "' has no graph '" + name + "'");
  }

  /** The bundle's initial weights as parameters, checked finite. */
  public Params initialParams() {
    if (!bundle.hasInitialWeights()) {
      throw new InvalidBundleException("bundle '" + bundle.getModelId() + "' has no initial weights");
    }
    Params p = Params.fromWeights(bundle.getInitialWeights());
    if (!p.names().equals(paramNames)) {
      throw new InvalidBundleException("bundle '" + bundle.getModelId() + "': initial weights " + p.names()
          + " do not match the parameters " + paramNames);
    }
    return p;
  }

  /** The bundle this model runs. */
  public ModelBundle bundle() {
    return bundle;
  }

  /** Class names, in class-index order. */
  public List<String> labels() {
    return bundle.getLabelsList();
  }

  /** True when the model takes hashed token ids ({@link TokenFeatures}), false for dense features. */
  public boolean takesTokens() {
    return tokenInputs;
  }

  /** Width of dense features, or -1 for a token model. */
  public int featureDim() {
    return featureDim;
  }

  @Override
  public int numClasses() {
    return classes;
  }

  @Override
  public float[] logits(Batch batch, Params params) {
    checkParams(params);
    int n = batch.size();
    float[] out = new float[n * classes];
    for (int from = 0; from < n; from += MAX_ROWS) {
      int rows = Math.min(MAX_ROWS, n - from);
      Binding b = bind(ModelBundles.FORWARD, batch.features(), rows);
      fill(b, batch, from, rows, params, false);
      b.run();
      b.floats("logits").get(out, from * classes, rows * classes);
    }
    return out;
  }

  @Override
  public PlainStepResult step(Batch batch, Params params) {
    checkParams(params);
    int n = batch.size();
    if (n == 0) {
      throw new IllegalArgumentException("a plain step needs at least one example");
    }
    double[][] grad = params.zerosLike();
    double lossSum = 0;
    for (int from = 0; from < n; from += MAX_ROWS) {
      int rows = Math.min(MAX_ROWS, n - from);
      Binding b = bind(ModelBundles.TRAIN_STEP, batch.features(), rows);
      fill(b, batch, from, rows, params, true);
      b.run();
      FloatBuffer losses = b.floats("losses");
      for (int i = 0; i < rows; i++) {
        lossSum += losses.get(i);
      }
      addGradients(b, grad);
    }
    return new PlainStepResult(lossSum / n, grad);
  }

  @Override
  public DpStepResult dpStep(Batch batch, Params params, double clipNorm) {
    checkParams(params);
    if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be finite and > 0, got " + clipNorm);
    }
    int n = batch.size();
    double[] losses = new double[n];
    double[] norms = new double[n];
    double[][] grad = params.zerosLike();
    for (int from = 0; from < n; from += MAX_ROWS) {
      int rows = Math.min(MAX_ROWS, n - from);
      Binding b = bind(ModelBundles.DP_TRAIN_STEP, batch.features(), rows);
      fill(b, batch, from, rows, params, true);
      b.floats("clip_norm").put(0, (float) clipNorm);
      b.run();
      FloatBuffer l = b.floats("losses");
      FloatBuffer g = b.floats("grad_norms");
      for (int i = 0; i < rows; i++) {
        losses[from + i] = l.get(i);
        norms[from + i] = g.get(i);
      }
      addGradients(b, grad);
    }
    return new DpStepResult(losses, norms, grad);
  }

  private void checkParams(Params params) {
    if (closed) {
      throw new IllegalStateException("OnnxStepModel of " + bundle.getModelId() + " is closed");
    }
    if (!params.names().equals(paramNames)) {
      throw new IllegalArgumentException("parameters " + params.names() + " do not match the bundle's "
          + paramNames);
    }
  }

  private Binding bind(String graph, Features features, int rows) {
    int padded = Math.min(MAX_ROWS, (rows + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN);
    Map<String, long[]> shapes = new HashMap<>();
    String key;
    if (tokenInputs) {
      if (!(features instanceof TokenFeatures t)) {
        throw new IllegalArgumentException("bundle '" + bundle.getModelId() + "' takes token ids; got "
            + features.getClass().getSimpleName());
      }
      shapes.put("token_ids", new long[] {padded, t.length()});
      shapes.put("token_mask", new long[] {padded, t.length()});
      key = graph + "/" + padded + "/" + t.length();
    } else {
      if (!(features instanceof DenseFeatures d)) {
        throw new IllegalArgumentException("bundle '" + bundle.getModelId() + "' takes dense features; got "
            + features.getClass().getSimpleName());
      }
      if (d.dim() != featureDim) {
        throw new IllegalArgumentException("bundle '" + bundle.getModelId() + "' takes " + featureDim
            + " features per example, got " + d.dim());
      }
      shapes.put("features", new long[] {padded, featureDim});
      key = graph + "/" + padded;
    }
    Binding b = bindings.get(key);
    if (b != null) {
      return b;
    }
    if (!graph.equals(ModelBundles.FORWARD)) {
      shapes.put("labels", new long[] {padded});
      shapes.put("example_mask", new long[] {padded});
    }
    if (graph.equals(ModelBundles.DP_TRAIN_STEP)) {
      shapes.put("clip_norm", new long[0]);
    }
    for (io.trustfl.proto.ParameterSpec p : bundle.getParametersList()) {
      shapes.put(p.getName(), p.getShapeList().stream().mapToLong(Long::longValue).toArray());
    }
    b = runtime.bind(graph, shapes);
    bindings.put(key, b);
    if (bindings.size() > MAX_CACHED_BINDINGS) {
      var eldest = bindings.entrySet().iterator().next();
      eldest.getValue().close();
      bindings.remove(eldest.getKey());
    }
    return b;
  }

  /** Writes rows [from, from+rows) of the batch, zero padding, the parameters and (for steps) labels and mask. */
  private void fill(Binding b, Batch batch, int from, int rows, Params params, boolean labelled) {
    int padded = (int) b.shape(tokenInputs ? "token_ids" : "features")[0];
    if (tokenInputs) {
      TokenFeatures t = (TokenFeatures) batch.features();
      int len = t.length();
      LongBuffer ids = b.longs("token_ids");
      ids.put(t.ids(), from * len, rows * len);
      while (ids.hasRemaining()) {
        ids.put(0L);
      }
      FloatBuffer mask = b.floats("token_mask");
      mask.put(t.mask(), from * len, rows * len);
      while (mask.hasRemaining()) {
        mask.put(0f);
      }
    } else {
      DenseFeatures d = (DenseFeatures) batch.features();
      FloatBuffer f = b.floats("features");
      f.put(d.values(), from * featureDim, rows * featureDim);
      while (f.hasRemaining()) {
        f.put(0f);
      }
    }
    if (labelled) {
      LongBuffer labels = b.longs("labels");
      FloatBuffer mask = b.floats("example_mask");
      int[] l = batch.labels();
      for (int i = 0; i < padded; i++) {
        labels.put(i, i < rows ? l[from + i] : 0);
        mask.put(i, i < rows ? 1f : 0f);
      }
    }
    for (int p = 0; p < paramNames.size(); p++) {
      b.floats(paramNames.get(p)).put(params.live(p));
    }
  }

  private void addGradients(Binding b, double[][] grad) {
    for (int p = 0; p < paramNames.size(); p++) {
      FloatBuffer g = b.floats("grad." + paramNames.get(p));
      double[] acc = grad[p];
      for (int i = 0; i < acc.length; i++) {
        acc[i] += g.get(i);
      }
    }
  }

  /** Closes the bindings and ONNX sessions. Idempotent and thread-safe. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Binding b : bindings.values()) {
      b.close();
    }
    bindings.clear();
    runtime.close();
  }
}
