package io.trustfl.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.model.InvalidBundleException;
import io.trustfl.model.ModelBundles;
import io.trustfl.model.SessionSettings;
import io.trustfl.onnx.IntentModels;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.Tensor;
import io.trustfl.proto.Weights;
import io.trustfl.train.Batch;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.DpStepResult;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.Params;
import io.trustfl.train.PlainStepResult;
import io.trustfl.train.TextFeatures;
import io.trustfl.train.TokenFeatures;
import io.trustfl.train.WeightsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The ONNX-backed step model against explicit per-example gradients (each obtained by running {@code train_step} on
 * one example) and a hand-written forward pass; bad bundles and labels; and {@code trustfl train} end to end on
 * SNIPS (real data from {@code TRUSTFL_DATA_DIR} or {@code ../shared/data}).
 */
class TrainCommandTest {
  private static final String FAKE_SHA = "0".repeat(64);
  private static final List<String> LABELS = List.of("a", "b", "c", "d", "e");

  @TempDir Path dir;

  private static DenseFeatures randomFeatures(int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[rows * 384];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    return new DenseFeatures(x, rows, 384);
  }

  private static int[] randomLabels(int rows, int classes, long seed) {
    return new SplittableRandom(seed).ints(rows, 0, classes).toArray();
  }

  /** Per-example gradients from one-example plain steps; clipped sum and norms must match dp_train_step. */
  private static void checkAgainstPerExample(OnnxStepModel m, Params p, Batch batch, double clip) {
    DpStepResult dp = m.dpStep(batch, p, clip);
    PlainStepResult plain = m.step(batch, p);
    double[][] clipped = new double[p.count()][];
    double[][] sum = new double[p.count()][];
    for (int t = 0; t < p.count(); t++) {
      clipped[t] = new double[p.size(t)];
      sum[t] = new double[p.size(t)];
    }
    double lossSum = 0;
    for (int i = 0; i < batch.size(); i++) {
      PlainStepResult one = m.step(batch.select(new int[] {i}), p);
      lossSum += one.meanLoss();
      double sq = 0;
      for (double[] g : one.gradientSum()) {
        for (double v : g) {
          sq += v * v;
        }
      }
      double norm = Math.sqrt(sq);
      assertEquals(norm, dp.gradientNorms()[i], 1e-4 * norm + 1e-6, "norm of example " + i);
      assertEquals(one.meanLoss(), dp.losses()[i], 1e-5 * Math.max(1, one.meanLoss()), "loss of example " + i);
      double f = Math.min(1, clip / Math.max(norm, 1e-20));
      for (int t = 0; t < p.count(); t++) {
        for (int j = 0; j < sum[t].length; j++) {
          clipped[t][j] += f * one.gradientSum()[t][j];
          sum[t][j] += one.gradientSum()[t][j];
        }
      }
    }
    assertEquals(lossSum / batch.size(), plain.meanLoss(), 1e-5);
    for (int t = 0; t < p.count(); t++) {
      for (int j = 0; j < sum[t].length; j++) {
        assertEquals(clipped[t][j], dp.clippedSum()[t][j], 1e-4 * Math.max(1e-2, Math.abs(clipped[t][j])),
            "clipped sum, tensor " + t + " element " + j);
        assertEquals(sum[t][j], plain.gradientSum()[t][j], 1e-4 * Math.max(1e-2, Math.abs(sum[t][j])),
            "gradient sum, tensor " + t + " element " + j);
      }
    }
  }

  @Test
  void minilmHeadMatchesPerExampleGradientsAndAHandForwardPass() {
    ModelBundle bundle = IntentModels.minilmMlpBundle(LABELS, 8, 3, "test", FAKE_SHA);
    try (OnnxStepModel m = OnnxStepModel.open(bundle, SessionSettings.singleThreaded())) {
      Params p = m.initialParams();
      // 37 rows: padded to a 64-row binding, so masked padding must contribute nothing.
      Batch batch = new Batch(randomFeatures(37, 1), randomLabels(37, LABELS.size(), 2));
      checkAgainstPerExample(m, p, batch, 0.05);
      // forward: relu(x W1 + b1) W2 + b2, by hand in double
      float[] logits = m.logits(batch, p);
      float[] x = ((DenseFeatures) batch.features()).values();
      float[] w1 = p.values(0);
      float[] b1 = p.values(1);
      float[] w2 = p.values(2);
      float[] b2 = p.values(3);
      for (int i = 0; i < 37; i++) {
        double[] h = new double[8];
        for (int k = 0; k < 8; k++) {
          double s = b1[k];
          for (int d = 0; d < 384; d++) {
            s += (double) x[i * 384 + d] * w1[d * 8 + k];
          }
          h[k] = Math.max(0, s);
        }
        for (int c = 0; c < 5; c++) {
          double s = b2[c];
          for (int k = 0; k < 8; k++) {
            s += h[k] * w2[k * 5 + c];
          }
          assertEquals(s, logits[i * 5 + c], 1e-4, "logit " + i + "," + c);
        }
      }
    }
  }

  @Test
  void batchesLargerThanOneRunAreSplitAndSummed() {
    ModelBundle bundle = IntentModels.minilmMlpBundle(LABELS, 0, 3, "test", FAKE_SHA);
    try (OnnxStepModel m = OnnxStepModel.open(bundle, SessionSettings.singleThreaded())) {
      Params p = m.initialParams();
      int n = OnnxStepModel.MAX_ROWS + 77;
      Batch batch = new Batch(randomFeatures(n, 5), randomLabels(n, LABELS.size(), 6));
      DpStepResult whole = m.dpStep(batch, p, 0.3);
      int[] first = java.util.stream.IntStream.range(0, 500).toArray();
      int[] rest = java.util.stream.IntStream.range(500, n).toArray();
      DpStepResult a = m.dpStep(batch.select(first), p, 0.3);
      DpStepResult b = m.dpStep(batch.select(rest), p, 0.3);
      for (int t = 0; t < p.count(); t++) {
        for (int j = 0; j < p.size(t); j++) {
          double expected = a.clippedSum()[t][j] + b.clippedSum()[t][j];
          assertEquals(expected, whole.clippedSum()[t][j], 1e-4 * Math.max(1, Math.abs(expected)));
        }
      }
      assertEquals(a.gradientNorms()[3], whole.gradientNorms()[3], 1e-6);
      assertEquals(b.gradientNorms()[10], whole.gradientNorms()[510], 1e-6);
    }
  }

  @Test
  void bagMatchesPerExampleGradients() {
    ModelBundle bundle = IntentModels.bagBundle(LABELS, 64, 4, 3, "test");
    try (OnnxStepModel m = OnnxStepModel.open(bundle, SessionSettings.singleThreaded())) {
      assertTrue(m.takesTokens());
      int rows = 9;
      int len = 6;
      SplittableRandom r = new SplittableRandom(9);
      long[] ids = new long[rows * len];
      float[] mask = new float[rows * len];
      for (int i = 0; i < rows; i++) {
        int count = i % len; // row 0 has no token at all
        for (int t = 0; t < count; t++) {
          ids[i * len + t] = r.nextInt(i % 3 == 0 ? 3 : 64); // small id range: repeated ids within a row
          mask[i * len + t] = 1f;
        }
      }
      Batch batch = new Batch(new TokenFeatures(ids, mask, rows, len), randomLabels(rows, LABELS.size(), 10));
      checkAgainstPerExample(m, m.initialParams(), batch, 0.02);
    }
  }

  @Test
  void badBundlesAndLabelsFailBeforeTraining() {
    ModelBundle good = IntentModels.minilmMlpBundle(LABELS, 4, 3, "test", FAKE_SHA);
    ModelBundle tampered = good.toBuilder().setLabels(0, "z").build();
    InvalidBundleException e = assertThrows(InvalidBundleException.class,
        () -> OnnxStepModel.open(tampered, SessionSettings.singleThreaded()));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    ModelBundle.Builder noDp = good.toBuilder().clearGraphs();
    good.getGraphsList().stream().filter(g -> !g.getName().equals(ModelBundles.DP_TRAIN_STEP))
        .forEach(noDp::addGraphs);
    ModelBundle missing = ModelBundles.seal(noDp.build());
    e = assertThrows(InvalidBundleException.class, () -> OnnxStepModel.open(missing, SessionSettings.singleThreaded()));
    assertTrue(e.getMessage().contains("has no graph 'dp_train_step'"), e.getMessage());
    IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
        () -> TextFeatures.labelIndexes(List.of("a", "q"), LABELS, "training"));
    assertTrue(labels.getMessage().startsWith("training example 1 has label 'q', which is not one of the model's 5"
        + " classes"), labels.getMessage());
    Weights w = good.getInitialWeights();
    Tensor t0 = w.getTensors(0);
    byte[] bytes = t0.getData().toByteArray();
    bytes[0] = 0;
    bytes[1] = 0;
    bytes[2] = (byte) 0xc0;
    bytes[3] = 0x7f; // NaN
    ModelBundle nan = ModelBundles.seal(good.toBuilder().setInitialWeights(w.toBuilder().setTensors(0,
        t0.toBuilder().setData(com.google.protobuf.ByteString.copyFrom(bytes)))).build());
    e = assertThrows(InvalidBundleException.class, () -> OnnxStepModel.open(nan, SessionSettings.singleThreaded()));
    assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    // The same weights given to the trainer directly are refused too.
    IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
        () -> Params.fromWeights(nan.getInitialWeights()));
    assertTrue(n.getMessage().contains("is NaN"), n.getMessage());
  }

  private static int cli(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = TrustflCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void trainCommandOnSnipsWritesWeightsAndReportsAccuracyAndEpsilon() throws Exception {
    Path weights = dir.resolve("w.pb");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = cli(out, err, "train", "--data", "snips", "--model", "intent-bag", "--epochs", "1", "--lr", "0.01",
        "--epsilon", "8", "--batch-size", "512", "--out", weights.toString());
    assertEquals(0, code, out + "\n" + err);
    String text = out.toString();
    assertTrue(text.contains("test accuracy"), text);
    assertTrue(text.contains("time per epoch"), text);
    java.util.regex.Matcher eps = java.util.regex.Pattern.compile("epsilon spent ([0-9.]+) at delta").matcher(text);
    assertTrue(eps.find(), text);
    double spent = Double.parseDouble(eps.group(1));
    assertTrue(spent > 0 && spent <= 8, text);
    Params p = Params.fromWeights(WeightsFile.read(weights));
    assertEquals(List.of("bag.embedding", "cls.w", "cls.b"), p.names());
    assertTrue(Files.exists(dir.resolve("w.pb.accountant.pb")));
  }

  @Test
  void trainCommandRejectsBadInputWithExitCode2() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(2, cli(out, err, "train", "--data", "snips", "--model", "nope"));
    assertTrue(err.toString().contains("--model must be intent-minilm-mlp or intent-bag, got 'nope'"), err.toString());
    Path corrupt = dir.resolve("bad.bundle.pb");
    ModelBundle good = IntentModels.bagBundle(LABELS, 64, 4, 3, "test");
    Files.write(corrupt, good.toBuilder().setModelVersion("tampered").build().toByteArray());
    StringWriter err2 = new StringWriter();
    assertEquals(2, cli(new StringWriter(), err2, "train", "--data", "snips", "--model", "intent-bag", "--bundle",
        corrupt.toString()));
    assertTrue(err2.toString().contains("checksum"), err2.toString());
    StringWriter err3 = new StringWriter();
    Files.write(corrupt, good.toByteArray());
    assertEquals(2, cli(new StringWriter(), err3, "train", "--data", "snips", "--model", "intent-bag", "--bundle",
        corrupt.toString()));
    assertTrue(err3.toString().contains("which is not one of the model's 5 classes"), err3.toString());
  }

  @Test
  void trainCommandOnAUsersJsonlFile() throws Exception {
    Path data = dir.resolve("mine.jsonl");
    StringBuilder sb = new StringBuilder();
    String[][] words = {{"alarm", "wake", "morning"}, {"weather", "rain", "sunny"}};
    for (int i = 0; i < 200; i++) {
      int c = i % 2;
      sb.append("{\"text\": \"").append(words[c][i % 3]).append(' ').append(words[c][(i / 3) % 3]).append(' ')
          .append(i).append("\", \"label\": \"").append(c == 0 ? "alarm" : "weather").append("\"}\n");
    }
    Files.writeString(data, sb.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = cli(out, err, "train", "--data", data.toString(), "--model", "intent-bag", "--epochs", "5",
        "--batch-size", "16", "--lr", "0.05");
    assertEquals(0, code, out + "\n" + err);
    java.util.regex.Matcher acc = java.util.regex.Pattern.compile("test accuracy ([0-9.]+)").matcher(out.toString());
    assertTrue(acc.find(), out.toString());
    assertTrue(Double.parseDouble(acc.group(1)) > 0.9, out.toString());
    assertTrue(out.toString().contains("2 classes"), out.toString());
  }
}
