package io.trustfl.sample;

import io.trustfl.client.ClientModel;
import io.trustfl.client.ExampleStore;
import io.trustfl.client.StoredExample;
import io.trustfl.model.HashingFeaturizer;
import io.trustfl.model.SessionSettings;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.Weights;
import io.trustfl.train.Batch;
import io.trustfl.train.Features;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.Params;
import io.trustfl.train.StepModel;
import io.trustfl.train.TextFeatures;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The on-device intent model: an {@code intent-bag} model bundle (hashed n-grams, embedding bag, linear classifier)
 * run by ONNX Runtime through the SDK's {@link OnnxStepModel}, and the weights the device currently classifies with
 * (the bundle's initial weights, then the global weights of the latest task plan, kept in a file so a restart
 * resumes with them).
 *
 * <p>Thread-safe: every use of the ONNX sessions synchronizes on this object, so the UI's classifications and the
 * background job's training never run the sessions at the same time. {@link #close()} is idempotent.
 */
public final class OnDeviceModel implements AutoCloseable {
  private final OnnxStepModel step;
  private final HashingFeaturizer featurizer;
  private final File weightsFile;
  private Params params;
  private boolean closed;

  private OnDeviceModel(OnnxStepModel step, File weightsFile, Params params) {
    this.step = step;
    this.featurizer = new HashingFeaturizer(step.bundle().getHashing());
    this.weightsFile = weightsFile;
    this.params = params;
  }

  /**
   * Opens {@code bundle} (verified: checksum, graphs, ONNX loading) and the weights saved in {@code weightsFile},
   * or the bundle's initial weights when that file does not exist.
   *
   * @throws IllegalArgumentException if the bundle is not a token (hashed n-gram) model
   */
  public static OnDeviceModel open(ModelBundle bundle, File weightsFile) {
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(weightsFile, "weightsFile");
    OnnxStepModel step = OnnxStepModel.open(bundle, SessionSettings.forDevices());
    try {
      if (!step.takesTokens() || !bundle.hasHashing()) {
        throw new IllegalArgumentException("the sample runs hashed n-gram bundles (intent-bag); bundle '"
            + bundle.getModelId() + "' takes dense features");
      }
      Params params = weightsFile.exists() ? readWeights(weightsFile, step) : step.initialParams();
      return new OnDeviceModel(step, weightsFile, params);
    } catch (RuntimeException e) {
      step.close();
      throw e;
    }
  }

  private static Params readWeights(File file, OnnxStepModel step) {
    try (InputStream in = new FileInputStream(file)) {
      Params p = Params.fromWeights(Weights.parseFrom(in));
      if (!p.names().equals(step.initialParams().names())) {
        throw new IllegalStateException("saved weights " + file + " hold " + p.names() + ", the model expects "
            + step.initialParams().names() + "; delete the file to start from the bundle's weights");
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read saved weights " + file, e);
    }
  }

  /** The model bundle. */
  public ModelBundle bundle() {
    return step.bundle();
  }

  /** Class labels, in class-index order. */
  public List<String> labels() {
    return step.labels();
  }

  /** The weights the device classifies with now (a copy). */
  public synchronized Params params() {
    ensureOpen();
    return params.copy();
  }

  /**
   * Adopts {@code weights} (e.g. a plan's global weights) for classification and saves them.
   *
   * @throws IllegalArgumentException if they do not match the model's parameters
   */
  public synchronized void adopt(Weights weights) {
    ensureOpen();
    Params p = Params.fromWeights(weights);
    if (!p.names().equals(params.names())) {
      throw new IllegalArgumentException("weights hold " + p.names() + ", the model expects " + params.names());
    }
    File tmp = new File(weightsFile.getPath() + ".tmp");
    try (FileOutputStream out = new FileOutputStream(tmp)) {
      p.toWeights().writeTo(out);
      out.getFD().sync();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save weights to " + tmp, e);
    }
    if (!tmp.renameTo(weightsFile)) {
      throw new UncheckedIOException(new IOException("cannot rename " + tmp + " to " + weightsFile));
    }
    params = p;
  }

  /**
   * A prediction.
   *
   * @param label the most probable class
   * @param probability its probability in [0, 1]
   * @param ranked every label, most probable first
   */
  public record Prediction(String label, double probability, List<String> ranked) {
    /** Copies the list. */
    public Prediction {
      Objects.requireNonNull(label, "label");
      ranked = Collections.unmodifiableList(new ArrayList<>(ranked));
    }
  }

  /** Classifies {@code text} with the current weights. */
  public Prediction classify(String text) {
    Objects.requireNonNull(text, "text");
    List<String> one = new ArrayList<>();
    one.add(text);
    double[] p = probabilities(one, null)[0];
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      order.add(i);
    }
    order.sort((a, b) -> Double.compare(p[b], p[a]));
    List<String> ranked = new ArrayList<>();
    for (int i : order) {
      ranked.add(labels().get(i));
    }
    return new Prediction(ranked.get(0), p[order.get(0)], ranked);
  }

  /**
   * Class probabilities (softmax of the forward graph's logits) of each text.
   *
   * @param weights the weights to use, or null for the current ones
   * @return one row of {@code labels().size()} probabilities per text
   */
  public synchronized double[][] probabilities(List<String> texts, Params weights) {
    ensureOpen();
    if (texts.isEmpty()) {
      return new double[0][];
    }
    Features x = TextFeatures.hash(featurizer, texts);
    float[] logits = step.logits(new Batch(x, new int[texts.size()]), weights == null ? params : weights);
    int k = step.numClasses();
    double[][] out = new double[texts.size()][k];
    for (int r = 0; r < texts.size(); r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, logits[r * k + c]);
      }
      double z = 0;
      for (int c = 0; c < k; c++) {
        out[r][c] = Math.exp(logits[r * k + c] - max);
        z += out[r][c];
      }
      for (int c = 0; c < k; c++) {
        out[r][c] /= z;
      }
    }
    return out;
  }

  /**
   * The SDK's view of this model for federated rounds: stored texts become hashed n-gram features. The step model
   * handed to the trainer is this model's ONNX sessions; callers must hold this object's lock while training.
   */
  public ClientModel clientModel() {
    OnDeviceModel self = this;
    return new ClientModel() {
      @Override
      public String modelId() {
        return step.bundle().getModelId();
      }

      @Override
      public String checksum() {
        return step.bundle().getChecksum();
      }

      @Override
      public List<String> labels() {
        return self.labels();
      }

      @Override
      public StepModel stepModel() {
        return step;
      }

      @Override
      public Features features(List<StoredExample> examples, ExampleStore store) {
        List<String> texts = new ArrayList<>();
        for (StoredExample e : examples) {
          texts.add(e.text());
        }
        return TextFeatures.hash(featurizer, texts);
      }
    };
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the on-device model is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      step.close();
    }
  }
}
