package io.trustfl.server.cli;

import io.trustfl.data.Clinc150;
import io.trustfl.data.DataDirectory;
import io.trustfl.data.Dataset;
import io.trustfl.data.DatasetSplits;
import io.trustfl.data.Example;
import io.trustfl.data.Snips;
import io.trustfl.data.TextDataLoader;
import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.model.EmbeddingCache;
import io.trustfl.model.HashingFeaturizer;
import io.trustfl.model.MiniLmEncoder;
import io.trustfl.model.ModelBundles;
import io.trustfl.model.SessionSettings;
import io.trustfl.onnx.IntentModels;
import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.privacy.RdpOrders;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.ProtoBytes;
import io.trustfl.train.Batch;
import io.trustfl.train.DpSgdSpec;
import io.trustfl.train.EpochStats;
import io.trustfl.train.Evaluation;
import io.trustfl.train.Features;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.OptimizerSpec;
import io.trustfl.train.TextFeatures;
import io.trustfl.train.Trainer;
import io.trustfl.train.TrainingConfig;
import io.trustfl.train.TrainingResult;
import io.trustfl.train.WeightsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trustfl train}: fine-tunes a model bundle centrally on an intent data set, plain or with DP-SGD, prints
 * the test accuracy, the ε spent and the time per epoch, and writes the trained weights atomically.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Fine-tune an intent classifier (plain or DP-SGD) and report test accuracy, epsilon spent and"
        + " time per epoch.",
        "DP-SGD runs when --epsilon is given: Poisson sampling at the expected --batch-size, per-example clipping to"
        + " --clip, secure Gaussian noise, RDP accounting (Opacus orders); sigma is calibrated to (epsilon, delta)"
        + " unless --noise-multiplier is given.",
        "Defaults (chosen on CLINC150 validation accuracy, see docs/TRAINING.md): intent-minilm-mlp non-private: hidden"
        + " 256, batch 256, lr 1e-3, 40 epochs; DP: linear head, epsilon >= 5: batch 2048, lr 2e-2, 60 epochs;"
        + " 2 <= epsilon < 5: batch 4096, lr 5e-2, 60 epochs; epsilon < 2: batch 4096, lr 1e-1, 30 epochs."
        + " intent-bag non-private: batch 256, lr 1e-2, 20 epochs; DP: batch 4096, lr 5e-2, 30 epochs. Default"
        + " batches are capped at a quarter of the training set. Optimizer Adam."})
final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true,
      description = "clinc150, snips, or a .jsonl/.csv file with text,label (split 80/10/10 by a hash of the text)")
  String data;

  @Option(names = "--data-dir", description = "directory holding the data sets (default: $TRUSTFL_DATA_DIR or"
      + " ../shared/data)")
  String dataDir;

  @Option(names = "--model", required = true, description = "intent-minilm-mlp or intent-bag")
  String model;

  @Option(names = "--bundle", description = "train this model bundle file instead of building one")
  Path bundleFile;

  @Option(names = "--hidden", description = "hidden width of the intent-minilm-mlp head, 0 for a linear head"
      + " (default 256; 0 under DP)")
  Integer hidden;

  @Option(names = "--epsilon", description = "train with DP-SGD within this epsilon")
  Double epsilon;

  @Option(names = "--delta", defaultValue = "1e-5", description = "delta of the DP budget (default ${DEFAULT-VALUE})")
  double delta;

  @Option(names = "--noise-multiplier", description = "fixed sigma instead of calibrating it to the budget")
  Double noiseMultiplier;

  @Option(names = "--clip", defaultValue = "1.0", description = "per-example clip norm C (default ${DEFAULT-VALUE})")
  double clip;

  @Option(names = "--epochs", description = "maximum epochs (default: see Defaults)")
  Integer epochs;

  @Option(names = "--batch-size",
      description = "batch size; the expected batch size under DP (default: see Defaults)")
  Integer batchSize;

  @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (default ${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--lr", description = "learning rate (default: see Defaults)")
  Double learningRate;

  @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default ${DEFAULT-VALUE})")
  double momentum;

  @Option(names = "--patience",
      description = "early stopping patience in epochs, 0 = off (default 5; 0 under DP, where every epoch is paid for)")
  Integer patience;

  @Option(names = "--seed", defaultValue = "0", description = "initialization and batch-order seed (default 0)")
  long seed;

  @Option(names = "--out", description = "write the trained weights (Weights protobuf) here, atomically")
  Path out;

  @Option(names = "--embedding-cache", description = "persistent MiniLM embedding cache file (reused across runs)")
  Path embeddingCache;

  @Option(names = "--threads", defaultValue = "2", description = "ONNX Runtime intra-op threads (default 2)")
  int threads;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    DatasetSplits splits = loadData();
    for (Dataset d : List.of(splits.train(), splits.validation(), splits.test())) {
      if (d.isEmpty()) {
        throw new IllegalArgumentException("data set " + data + ": split '" + d.name() + "' is empty");
      }
    }
    resolveDefaults(splits.train().size());
    ModelBundle bundle = bundle(splits.train());
    o.printf(Locale.ROOT, "data %s: %d train, %d validation, %d test examples, %d classes%n", data,
        splits.train().size(), splits.validation().size(), splits.test().size(), bundle.getLabelsCount());
    try (OnnxStepModel stepModel = OnnxStepModel.open(bundle, SessionSettings.forDevices()
            .withIntraOpThreads(Math.max(1, threads)));
        Kernels kernels = KernelRegistry.open()) {
      List<String> classes = stepModel.labels();
      // Labels are checked before anything is encoded or trained.
      int[] trainY = TextFeatures.labelIndexes(labels(splits.train()), classes, "training");
      int[] valY = TextFeatures.labelIndexes(labels(splits.validation()), classes, "validation");
      int[] testY = TextFeatures.labelIndexes(labels(splits.test()), classes, "test");
      long f0 = System.nanoTime();
      Features[] feats = featurize(stepModel, bundle, splits, o);
      o.printf(Locale.ROOT, "featurized in %.1f s%n", (System.nanoTime() - f0) / 1e9);
      Batch train = new Batch(feats[0], trainY);
      Batch val = new Batch(feats[1], valY);
      Batch test = new Batch(feats[2], testY);

      OptimizerSpec opt = switch (optimizer.toLowerCase(Locale.ROOT)) {
        case "adam" -> OptimizerSpec.Adam.withDefaults(learningRate);
        case "sgd" -> new OptimizerSpec.Sgd(learningRate, momentum);
        default -> throw new IllegalArgumentException("--optimizer must be adam or sgd, got " + optimizer);
      };
      TrainingConfig.Builder cfg = TrainingConfig.builder().epochs(epochs).batchSize(batchSize).optimizer(opt)
          .patience(patience).shuffleSeed(seed);
      PrivacyLedger ledger = null;
      if (epsilon != null) {
        ledger = new PrivacyLedger(new RdpAccountant(RdpOrders.OPACUS), new PrivacyBudget(epsilon, delta));
        cfg.dp(noiseMultiplier == null ? DpSgdSpec.calibratedToBudget(clip)
            : DpSgdSpec.withNoiseMultiplier(clip, noiseMultiplier));
      } else if (noiseMultiplier != null) {
        throw new IllegalArgumentException("--noise-multiplier needs --epsilon (the budget the run must stay within)");
      }
      TrainingConfig config = cfg.build();
      o.printf(Locale.ROOT, "training %s (%s) with %s, kernels %s: %s lr %.3g, %s %d, up to %d epochs,"
          + " patience %d%n", bundle.getModelId(),
          stepModel.featureDim() > 0 ? "hidden " + hidden : "hashed n-grams",
          config.isPrivate() ? "DP-SGD" : "non-private training", kernels.name(), optimizer, learningRate,
          config.isPrivate() ? "expected batch" : "batch", batchSize, epochs, patience);
      o.flush();
      TrainingResult r = new Trainer(kernels).train(stepModel, stepModel.initialParams(), train, val, config,
          ledger);
      for (EpochStats s : r.history()) {
        o.printf(Locale.ROOT, "epoch %3d  steps %4d  loss %.4f  val acc %.4f  eps %.3f  %.2f s%n", s.epoch(),
            s.steps(), s.trainLoss(), s.validationAccuracy(), s.epsilonSpent(), s.seconds());
      }
      Evaluation testEval = Evaluation.of(stepModel, r.params(), test);
      double meanEpoch = r.history().stream().mapToDouble(EpochStats::seconds).average().orElse(Double.NaN);
      o.printf(Locale.ROOT, "%s (best epoch %d)%n", r.message(), r.bestEpoch());
      if (config.isPrivate()) {
        o.printf(Locale.ROOT, "dp: sigma %.4f, q %.6f, C %.3g, %d steps, epsilon spent %.4f (delta %.1e, RDP,"
            + " opacus orders)%n", r.noiseMultiplier(), r.samplingRate(), clip, r.steps(), r.epsilonSpent(), delta);
      }
      o.printf(Locale.ROOT, "test accuracy %.4f  (%d examples)%n", testEval.accuracy(), testEval.examples());
      o.printf(Locale.ROOT, "epsilon spent %s%n", config.isPrivate()
          ? String.format(Locale.ROOT, "%.4f at delta %.1e", r.epsilonSpent(), delta) : "none (non-private)");
      o.printf(Locale.ROOT, "time per epoch %.3f s (mean of %d), total %.1f s%n", meanEpoch, r.history().size(),
          (System.nanoTime() - t0) / 1e9);
      if (out != null) {
        WeightsFile.write(out, r.params().toWeights());
        o.println("wrote weights to " + out);
        if (ledger != null) {
          Path state = out.resolveSibling(out.getFileName() + ".accountant.pb");
          WeightsFile.writeBytes(state, ProtoBytes.deterministic(ledger.toState()));
          o.println("wrote accountant state to " + state);
        }
      }
      peakRss().ifPresent(kb -> o.printf(Locale.ROOT, "peak resident memory %.0f MiB%n", kb / 1024.0));
      o.flush();
      return 0;
    }
  }

  /** Fills the options left unset with the defaults of the class description. */
  private void resolveDefaults(int trainSize) {
    boolean dp = epsilon != null;
    boolean bag = IntentModels.BAG.equals(model);
    if (hidden == null) {
      hidden = dp ? 0 : 256;
    }
    if (patience == null) {
      patience = dp ? 0 : 5;
    }
    int b;
    double lr;
    int e;
    if (!dp) {
      b = 256;
      lr = bag ? 1e-2 : 1e-3;
      e = bag ? 20 : 40;
    } else if (bag) {
      b = 4096;
      lr = 5e-2;
      e = 30;
    } else if (epsilon >= 5) {
      b = 2048;
      lr = 2e-2;
      e = 60;
    } else if (epsilon >= 2) {
      b = 4096;
      lr = 5e-2;
      e = 60;
    } else {
      b = 4096;
      lr = 1e-1;
      e = 30;
    }
    if (batchSize == null) {
      batchSize = Math.max(1, Math.min(b, trainSize / 4));
    }
    if (learningRate == null) {
      learningRate = lr;
    }
    if (epochs == null) {
      epochs = e;
    }
  }

  private DatasetSplits loadData() {
    String d = data.toLowerCase(Locale.ROOT);
    if (d.equals("clinc150")) {
      return Clinc150.load(DataDirectory.resolve(dataDir), false);
    }
    if (d.equals("snips")) {
      return Snips.load(DataDirectory.resolve(dataDir));
    }
    Path file = Path.of(data);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--data must be clinc150, snips or an existing .jsonl/.csv file, got '"
          + data + "'");
    }
    Dataset all = TextDataLoader.load(file);
    List<Example> tr = new ArrayList<>();
    List<Example> va = new ArrayList<>();
    List<Example> te = new ArrayList<>();
    for (Example e : all.examples()) {
      int bucket = Math.floorMod(hash(e.text()), 10);
      (bucket == 0 ? te : bucket == 1 ? va : tr).add(e);
    }
    return new DatasetSplits(new Dataset("train", tr), new Dataset("validation", va), new Dataset("test", te));
  }

  private static int hash(String text) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(("split:" + text).getBytes(StandardCharsets.UTF_8));
      return (h[0] & 0xff) | (h[1] & 0xff) << 8;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private ModelBundle bundle(Dataset train) {
    if (bundleFile != null) {
      return ModelBundles.load(bundleFile, List.of(ModelBundles.FORWARD, ModelBundles.TRAIN_STEP,
          ModelBundles.DP_TRAIN_STEP));
    }
    List<String> labels = new ArrayList<>(new TreeSet<>(train.labels()));
    if (labels.size() < 2) {
      throw new IllegalArgumentException("training data has " + labels.size() + " distinct label(s); need >= 2");
    }
    return switch (model) {
      case IntentModels.MINILM_MLP -> IntentModels.minilmMlpBundle(labels, hidden, seed, "cli",
          IntentModels.minilmEncoderSha256());
      case IntentModels.BAG -> IntentModels.bagBundle(labels, IntentModels.DEFAULT_BUCKETS,
          IntentModels.DEFAULT_BAG_DIM, seed, "cli");
      default -> throw new IllegalArgumentException("--model must be " + IntentModels.MINILM_MLP + " or "
          + IntentModels.BAG + ", got '" + model + "'");
    };
  }

  private static List<String> labels(Dataset d) {
    List<String> l = new ArrayList<>(d.size());
    d.examples().forEach(e -> l.add(e.label()));
    return l;
  }

  private Features[] featurize(OnnxStepModel m, ModelBundle bundle, DatasetSplits s, PrintWriter o) {
    List<Dataset> parts = List.of(s.train(), s.validation(), s.test());
    Features[] out = new Features[3];
    if (m.takesTokens()) {
      HashingFeaturizer f = new HashingFeaturizer(bundle.getHashing());
      for (int i = 0; i < 3; i++) {
        out[i] = TextFeatures.hash(f, parts.get(i).texts());
      }
      return out;
    }
    try (MiniLmEncoder encoder = MiniLmEncoder.open()) {
      encoder.checkCompatible(bundle.getEncoder());
      EmbeddingCache cache = embeddingCache == null ? EmbeddingCache.inMemory(encoder)
          : EmbeddingCache.persistent(encoder, embeddingCache);
      for (int i = 0; i < 3; i++) {
        out[i] = TextFeatures.embed(cache, parts.get(i).texts());
      }
      o.printf(Locale.ROOT, "embeddings: %d cached, %d encoded%n", cache.hits(), cache.misses());
      if (embeddingCache != null) {
        cache.save();
      }
    }
    return out;
  }

  /** Peak resident set size in KiB (Linux VmHWM), if known. */
  private static java.util.OptionalLong peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return java.util.OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no figure
    }
    return java.util.OptionalLong.empty();
  }
}
