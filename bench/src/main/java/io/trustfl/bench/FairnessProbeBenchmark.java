package io.trustfl.bench;

import io.trustfl.data.Clinc150;
import io.trustfl.data.DataDirectory;
import io.trustfl.data.DatasetSplits;
import io.trustfl.fairness.DeviceProbes;
import io.trustfl.fairness.GenderSwapper;
import io.trustfl.fairness.InputGradients;
import io.trustfl.fairness.PredictionSensitivity;
import io.trustfl.fairness.ProbeMetrics;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.model.EmbeddingCache;
import io.trustfl.model.MiniLmEncoder;
import io.trustfl.model.SessionSettings;
import io.trustfl.onnx.IntentModels;
import io.trustfl.proto.ModelBundle;
import io.trustfl.train.Batch;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.OptimizerSpec;
import io.trustfl.train.Params;
import io.trustfl.train.TextFeatures;
import io.trustfl.train.Trainer;
import io.trustfl.train.TrainingConfig;
import io.trustfl.train.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the on-device fairness probes against one local training epoch, on the same device-sized data: the
 * {@value #LOCAL} first CLINC150 test utterances that mention a WinoBias identity term, filled up with other test
 * utterances, a 150-intent MiniLM head (hidden 256) and a 2-class protected-status head.
 * <ul>
 *   <li>{@code trainEpoch}: one plain local epoch (batch 32, Adam) from cached embeddings — the reference.
 *   <li>{@code counterfactualProbe}: swap identity terms, encode the changed texts with MiniLM (originals come from
 *       the embedding cache, as on a device), score both, gap and flip rate.
 *   <li>{@code sensitivityProbe}: APS over the local embeddings: the task head's full 150×384 Jacobian (150
 *       {@code input_grad} rows per example) and the protected head's gradient.
 *   <li>{@code sensitivityProbePredicted}: APS with v one-hot on the predicted class, one weighted
 *       {@code input_grad} row per example and model.
 * </ul>
 * Needs the shared data ({@code -Dtrustfl.data=DIR} or {@code TRUSTFL_DATA_DIR}, else ../shared/data).
 * {@code java -Dai.djl.offline=true -jar bench/target/benchmarks.jar FairnessProbeBenchmark -rf json -rff f.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true"})
public class FairnessProbeBenchmark {
  static final int LOCAL = 200;

  private MiniLmEncoder encoder;
  private EmbeddingCache cache;
  private OnnxStepModel task;
  private Params taskParams;
  private InputGradients taskGrad;
  private InputGradients protGrad;
  private Params protParams;
  private GenderSwapper swapper;
  private List<String> texts;
  private Batch local;
  private List<String> labels;

  @Setup(Level.Trial)
  public void setUp() {
    Path root = DataDirectory.resolve(System.getProperty("trustfl.data"));
    DatasetSplits d = Clinc150.load(root, false);
    swapper = GenderSwapper.winoBias(root.resolve("winobias"));
    List<String> gendered = new ArrayList<>();
    List<String> other = new ArrayList<>();
    List<String> gl = new ArrayList<>();
    List<String> ol = new ArrayList<>();
    d.test().examples().forEach(e -> {
      boolean g = swapper.mentions(e.text());
      (g ? gendered : other).add(e.text());
      (g ? gl : ol).add(e.label());
    });
    texts = new ArrayList<>(gendered.subList(0, Math.min(LOCAL, gendered.size())));
    labels = new ArrayList<>(gl.subList(0, texts.size()));
    texts.addAll(other.subList(0, LOCAL - texts.size()));
    labels.addAll(ol.subList(0, LOCAL - labels.size()));
    encoder = MiniLmEncoder.open();
    cache = EmbeddingCache.inMemory(encoder);
    List<String> classes = new ArrayList<>(new TreeSet<>(d.train().labels()));
    String sha = IntentModels.minilmEncoderSha256();
    ModelBundle tb = IntentModels.minilmMlpBundle(classes, 256, 1, "bench", sha);
    ModelBundle pb = IntentModels.minilmMlpBundle(List.of("female", "male"), 64, 2, "bench", sha);
    SessionSettings s = SessionSettings.forDevices().withIntraOpThreads(1);
    task = OnnxStepModel.open(tb, s);
    taskParams = task.initialParams();
    taskGrad = InputGradients.open(tb, s);
    protGrad = InputGradients.open(pb, s);
    protParams = Params.fromWeights(pb.getInitialWeights());
    local = new Batch(TextFeatures.embed(cache, texts), TextFeatures.labelIndexes(labels, classes, "local"));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    task.close();
    taskGrad.close();
    protGrad.close();
    encoder.close();
  }

  @Benchmark
  public TrainingResult trainEpoch() {
    TrainingConfig cfg = TrainingConfig.builder().epochs(1).batchSize(32).optimizer(OptimizerSpec.Adam
        .withDefaults(1e-3)).patience(0).shuffleSeed(1).build();
    return new Trainer(new JavaKernels()).train(task, taskParams, local, local, cfg);
  }

  @Benchmark
  public ProbeMetrics counterfactualProbe() {
    // originals come from the embedding cache (as on a device); swapped texts are encoded on every call
    return DeviceProbes.counterfactual(batch -> {
      boolean cached = new java.util.HashSet<>(texts).containsAll(batch);
      DenseFeatures f = TextFeatures.embed(cached ? cache : encoder, batch);
      float[] z = task.logits(new Batch(f, new int[f.rows()]), taskParams);
      double[] score = new double[f.rows()];
      int c = task.numClasses();
      for (int i = 0; i < f.rows(); i++) {
        double[] row = new double[c];
        for (int k = 0; k < c; k++) {
          row[k] = z[i * c + k];
        }
        score[i] = PredictionSensitivity.softmax(row)[0];
      }
      return score;
    }, texts, swapper, 0.5);
  }

  @Benchmark
  public ProbeMetrics sensitivityProbePredicted() {
    return DeviceProbes.sensitivityPredicted(taskGrad, taskParams, protGrad, protParams, 0,
        (DenseFeatures) local.features());
  }

  @Benchmark
  public ProbeMetrics sensitivityProbe() {
    return DeviceProbes.sensitivity(taskGrad, taskParams, protGrad, protParams, 0, (DenseFeatures) local.features());
  }
}
