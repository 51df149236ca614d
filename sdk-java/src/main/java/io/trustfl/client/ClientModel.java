package io.trustfl.client;

import io.trustfl.train.DenseFeatures;
import io.trustfl.train.Features;
import io.trustfl.train.StepModel;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A model bundle the device holds: its id and checksum (which a task plan must match), its class labels, the
 * {@link StepModel} the trainer runs, and how stored examples become model inputs.
 */
public interface ClientModel {
  /** The bundle's model id ({@code ModelBundle.model_id}). */
  String modelId();

  /** Hex sha256 of the bundle ({@code ModelBundle.checksum}). */
  String checksum();

  /** Class labels; an example's label is its index here. */
  List<String> labels();

  /** The model the trainer runs. */
  StepModel stepModel();

  /**
   * Model inputs for {@code examples}, one row each, in order; may cache derived data (embeddings) in the store.
   *
   * @param store the store the examples come from
   */
  Features features(List<StoredExample> examples, ExampleStore store);

  /**
   * A model over sentence embeddings: uses each example's cached embedding and, for examples without one, computes
   * it with {@code encoder} and caches it in the store ({@link ExampleStore#putEmbedding}).
   *
   * @param dimension embedding width
   * @param encoder text to embedding (e.g. a MiniLM encoder), or null when every example must already carry one
   */
  static ClientModel overEmbeddings(String modelId, String checksum, List<String> labels, StepModel stepModel,
      int dimension, Function<String, float[]> encoder) {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(checksum, "checksum");
    List<String> labelList = List.copyOf(labels);
    Objects.requireNonNull(stepModel, "stepModel");
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    return new ClientModel() {
      @Override
      public String modelId() {
        return modelId;
      }

      @Override
      public String checksum() {
        return checksum;
      }

      @Override
      public List<String> labels() {
        return labelList;
      }

      @Override
      public StepModel stepModel() {
        return stepModel;
      }

      @Override
      public Features features(List<StoredExample> examples, ExampleStore store) {
        float[] values = new float[examples.size() * dimension];
        for (int r = 0; r < examples.size(); r++) {
          StoredExample e = examples.get(r);
          float[] emb = e.embedding();
          if (emb == null) {
            if (encoder == null) {
              throw new IllegalStateException("example " + e.id() + " has no cached embedding and no encoder was"
                  + " given");
            }
            emb = encoder.apply(e.text());
            store.putEmbedding(e.id(), emb);
          }
          if (emb.length != dimension) {
            throw new IllegalStateException("example " + e.id() + " has an embedding of width " + emb.length
                + ", the model expects " + dimension);
          }
          System.arraycopy(emb, 0, values, r * dimension, dimension);
        }
        return new DenseFeatures(values, examples.size(), dimension);
      }
    };
  }
}
