package io.trustfl.onnx;

import io.trustfl.onnx.layers.Layer;
import io.trustfl.onnx.layers.ParameterDef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A sequential classifier: model inputs, the layers applied in order (the first layer consumes all inputs; every
 * later layer consumes the previous layer's output), and the number of classes (the last layer's width), trained
 * with softmax cross-entropy.
 *
 * @param modelId e.g. {@code intent-bag}
 * @param inputs the model's inputs, in graph order; their count equals the first layer's input arity
 * @param layers at least one layer; the last one's output width is {@code classes}
 * @param classes number of classes, &gt; 0
 */
public record ModelSpec(String modelId, List<ModelInput> inputs, List<Layer> layers, long classes) {
  /** Validates the wiring once. */
  public ModelSpec {
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("modelId must be non-blank, got '" + modelId + "'");
    }
    inputs = List.copyOf(inputs);
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one layer, got none");
    }
    if (layers.get(0).inputArity() != inputs.size()) {
      throw new IllegalArgumentException("the first layer takes " + layers.get(0).inputArity() + " inputs but the"
          + " model declares " + inputs.size());
    }
    for (int i = 1; i < layers.size(); i++) {
      if (layers.get(i).inputArity() != 1) {
        throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).inputArity()
            + " inputs; only the first layer may take more than one");
      }
    }
    long last = layers.get(layers.size() - 1).outputWidth();
    if (classes <= 0 || last != classes) {
      throw new IllegalArgumentException("classes must be > 0 and equal the last layer's width " + last + ", got "
          + classes);
    }
    Set<String> names = new HashSet<>();
    for (ModelInput in : inputs) {
      if (!names.add(in.name())) {
        throw new IllegalArgumentException("duplicate name '" + in.name() + "'");
      }
    }
    for (Layer l : layers) {
      for (ParameterDef p : l.parameters()) {
        if (!names.add(p.name())) {
          throw new IllegalArgumentException("duplicate name '" + p.name() + "'");
        }
      }
    }
  }

  /** All parameters, in layer order then each layer's parameter order. */
  public List<ParameterDef> parameters() {
    List<ParameterDef> all = new ArrayList<>();
    for (Layer l : layers) {
      all.addAll(l.parameters());
    }
    return List.copyOf(all);
  }

  /** Total number of parameter elements. */
  public long parameterCount() {
    long n = 0;
    for (ParameterDef p : parameters()) {
      n = Math.addExact(n, p.size());
    }
    return n;
  }
}
