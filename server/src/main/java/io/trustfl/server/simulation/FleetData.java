package io.trustfl.server.simulation;

import io.trustfl.client.ClientModel;
import io.trustfl.client.ExampleStore;
import io.trustfl.client.StoredExample;
import io.trustfl.data.Clinc150;
import io.trustfl.data.DataDirectory;
import io.trustfl.data.Dataset;
import io.trustfl.data.DatasetSplits;
import io.trustfl.data.Example;
import io.trustfl.data.Snips;
import io.trustfl.model.EmbeddingCache;
import io.trustfl.model.HashingFeaturizer;
import io.trustfl.model.MiniLmEncoder;
import io.trustfl.model.SessionSettings;
import io.trustfl.onnx.IntentModels;
import io.trustfl.proto.ModelBundle;
import io.trustfl.train.Batch;
import io.trustfl.train.Features;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.StepModel;
import io.trustfl.train.TextFeatures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The data and model of one simulation: training examples (with their MiniLM embeddings, computed once through a
 * persistent {@link EmbeddingCache}), the evaluated split (test or validation) as a ready batch, the model bundle
 * and its ONNX step model.
 * Owns the step model; close it.
 */
final class FleetData implements AutoCloseable {
  final ModelBundle bundle;
  final OnnxStepModel stepModel;
  final List<String> classes;
  final List<Example> train;
  final int[] trainLabels;
  /** One embedding per training example (MiniLM model), or null (bag model). */
  final float[][] trainEmbeddings;
  /** The evaluation batch: the test split, or the validation split under {@code --eval-split validation}. */
  final Batch test;
  final HashingFeaturizer featurizer;
  final double featurizeSeconds;
  final long embeddingsEncoded;
  final long embeddingsCached;
  final Path embeddingCacheFile;

  private FleetData(ModelBundle bundle, OnnxStepModel stepModel, List<String> classes, List<Example> train,
      int[] trainLabels, float[][] trainEmbeddings, Batch test, HashingFeaturizer featurizer, double seconds,
      long encoded, long cached, Path cacheFile) {
    this.bundle = bundle;
    this.stepModel = stepModel;
    this.classes = classes;
    this.train = train;
    this.trainLabels = trainLabels;
    this.trainEmbeddings = trainEmbeddings;
    this.test = test;
    this.featurizer = featurizer;
    this.featurizeSeconds = seconds;
    this.embeddingsEncoded = encoded;
    this.embeddingsCached = cached;
    this.embeddingCacheFile = cacheFile;
  }

  /** Loads the data set, builds the bundle (seeded) and featurizes the test split and, for MiniLM, the training set. */
  static FleetData load(SimulationConfig c) {
    Path dir = DataDirectory.resolve(c.dataDir() == null ? null : c.dataDir().toString());
    DatasetSplits splits = c.data().equals("clinc150") ? Clinc150.load(dir, false) : Snips.load(dir);
    List<Example> train = subset(splits.train(), c.maxTrainExamples(), 0x7261696EL);
    Dataset evalSplit = c.evalSplit() == SimulationConfig.EvalSplit.VALIDATION ? splits.validation() : splits.test();
    List<Example> test = subset(evalSplit, c.maxTestExamples(), 0x74657374L);
    List<String> classes = new ArrayList<>(new TreeSet<>(labels(train)));
    if (classes.size() < 2) {
      throw new IllegalArgumentException("training data has " + classes.size() + " distinct label(s); need >= 2");
    }
    List<Example> testKnown = new ArrayList<>();
    for (Example e : test) {
      if (classes.contains(e.label())) {
        testKnown.add(e);
      }
    }
    if (testKnown.isEmpty()) {
      throw new IllegalArgumentException("no " + c.evalSplit().name().toLowerCase(java.util.Locale.ROOT)
          + " example has a label seen in training");
    }
    ModelBundle bundle = c.model().equals(IntentModels.MINILM_MLP)
        ? IntentModels.minilmMlpBundle(classes, c.hidden(), c.seed(), "sim", IntentModels.minilmEncoderSha256())
        : IntentModels.bagBundle(classes, c.bagBuckets(), IntentModels.DEFAULT_BAG_DIM, c.seed(),
            "sim");
    OnnxStepModel step = OnnxStepModel.open(bundle, SessionSettings.forDevices().withIntraOpThreads(2));
    try {
      int[] trainY = TextFeatures.labelIndexes(labels(train), classes, "training");
      int[] testY = TextFeatures.labelIndexes(labels(testKnown), classes, "test");
      long t0 = System.nanoTime();
      if (step.takesTokens()) {
        HashingFeaturizer f = new HashingFeaturizer(bundle.getHashing());
        Features testX = TextFeatures.hash(f, texts(testKnown));
        return new FleetData(bundle, step, classes, train, trainY, null, new Batch(testX, testY), f,
            (System.nanoTime() - t0) / 1e9, 0, 0, null);
      }
      Path cacheFile = c.embeddingCache() != null ? c.embeddingCache() : defaultCacheFile();
      try (MiniLmEncoder encoder = MiniLmEncoder.open()) {
        encoder.checkCompatible(bundle.getEncoder());
        EmbeddingCache cache = EmbeddingCache.persistent(encoder, cacheFile);
        float[][] trainX = cache.encodeAll(texts(train));
        Features testX = TextFeatures.embed(cache, texts(testKnown));
        cache.save();
        return new FleetData(bundle, step, classes, train, trainY, trainX, new Batch(testX, testY), null,
            (System.nanoTime() - t0) / 1e9, cache.misses(), cache.hits(), cacheFile);
      }
    } catch (RuntimeException e) {
      step.close();
      throw e;
    }
  }

  /** {@code $XDG_CACHE_HOME/trustfl/minilm-embeddings.bin}, or under {@code ~/.cache}. */
  static Path defaultCacheFile() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("trustfl").resolve("minilm-embeddings.bin");
  }

  /** The client-side view of the model: features from cached embeddings, or hashed n-grams of the text. */
  ClientModel clientModel() {
    StepModel canonical = new CanonicalOrderStepModel(stepModel);
    if (trainEmbeddings != null) {
      return ClientModel.overEmbeddings(bundle.getModelId(), bundle.getChecksum(), classes, canonical,
          (int) IntentModels.MINILM_DIMENSION, null);
    }
    return new ClientModel() {
      @Override
      public String modelId() {
        return bundle.getModelId();
      }

      @Override
      public String checksum() {
        return bundle.getChecksum();
      }

      @Override
      public List<String> labels() {
        return classes;
      }

      @Override
      public StepModel stepModel() {
        return canonical;
      }

      @Override
      public Features features(List<StoredExample> examples, ExampleStore store) {
        List<String> t = new ArrayList<>(examples.size());
        examples.forEach(e -> t.add(e.text()));
        return TextFeatures.hash(featurizer, t);
      }
    };
  }

  private static List<Example> subset(Dataset d, int max, long salt) {
    List<Example> all = d.examples();
    if (max == 0 || max >= all.size()) {
      return all;
    }
    int[] order = new int[all.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom r = new SplittableRandom(salt);
    for (int i = order.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] keep = java.util.Arrays.copyOf(order, max);
    java.util.Arrays.sort(keep);
    List<Example> out = new ArrayList<>(max);
    for (int i : keep) {
      out.add(all.get(i));
    }
    return out;
  }

  private static List<String> labels(List<Example> d) {
    List<String> l = new ArrayList<>(d.size());
    d.forEach(e -> l.add(e.label()));
    return l;
  }

  private static List<String> texts(List<Example> d) {
    List<String> l = new ArrayList<>(d.size());
    d.forEach(e -> l.add(e.text()));
    return l;
  }

  @Override
  public void close() {
    stepModel.close();
  }
}
