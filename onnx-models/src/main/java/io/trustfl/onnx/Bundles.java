package io.trustfl.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.trustfl.onnx.graph.ElementType;
import io.trustfl.onnx.graph.GraphBuilder;
import io.trustfl.onnx.layers.ParameterDef;
import io.trustfl.proto.DType;
import io.trustfl.proto.EncoderSpec;
import io.trustfl.proto.Graph;
import io.trustfl.proto.HashingSpec;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.ParameterSpec;
import io.trustfl.proto.ProtoBytes;
import io.trustfl.proto.ProtocolVersions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Packaging of model bundles: assembly from a {@link ModelSpec}, the checksum (hex sha256 of the deterministic
 * serialization with {@code checksum} empty), verification, and loading of the bundles shipped in this jar.
 */
public final class Bundles {
  /** Version of the graph contract (README) the bundles follow; recorded as {@code metadata["contract_version"]}. */
  public static final int CONTRACT_VERSION = 1;
  /** Class-path folder of the shipped bundles. */
  public static final String RESOURCE_DIR = "bundles/";
  /** File suffix of serialized bundles. */
  public static final String SUFFIX = ".bundle.pb";

  private Bundles() {}

  /**
   * Assembles and checksums a bundle: the four float32 graphs, parameter specs, seeded initial weights, labels,
   * featurization and metadata.
   *
   * @param spec the model; its class count must equal {@code labels.size()}
   * @param labels class names in class-index order: at least 2, distinct, non-blank
   * @param seed initialization seed
   * @param modelVersion non-blank
   * @param encoder the frozen encoder the inputs come from, or null
   * @param hashing the n-gram hashing the inputs come from, or null (exactly one of encoder, hashing)
   * @param extraMetadata model-specific metadata (sizes)
   */
  public static ModelBundle assemble(ModelSpec spec, List<String> labels, long seed, String modelVersion,
      EncoderSpec encoder, HashingSpec hashing, Map<String, String> extraMetadata) {
    validateLabels(labels);
    if (spec.classes() != labels.size()) {
      throw new IllegalArgumentException("the model has " + spec.classes() + " classes but " + labels.size()
          + " labels were given");
    }
    if (modelVersion == null || modelVersion.isBlank()) {
      throw new IllegalArgumentException("modelVersion must be non-blank, got '" + modelVersion + "'");
    }
    if ((encoder == null) == (hashing == null)) {
      throw new IllegalArgumentException("exactly one of encoder and hashing must be given, got "
          + (encoder == null ? "neither" : "both"));
    }
    ModelBundle.Builder b = ModelBundle.newBuilder().setVersion(ProtocolVersions.current())
        .setModelId(spec.modelId()).setModelVersion(modelVersion).addAllLabels(labels)
        .setInitialWeights(InitialWeights.generate(spec, seed));
    for (ModelGraphs.BuiltGraph g : ModelGraphs.all(spec, ElementType.FLOAT)) {
      b.addGraphs(Graph.newBuilder().setName(g.name()).setOnnx(g.model().toByteString())
          .addAllInputNames(g.inputNames()).addAllOutputNames(g.outputNames()));
    }
    for (ParameterDef p : spec.parameters()) {
      b.addParameters(ParameterSpec.newBuilder().setName(p.name()).setDtype(DType.FLOAT32).addAllShape(p.shape())
          .setTrainable(true));
    }
    if (encoder != null) {
      b.setEncoder(encoder);
    } else {
      b.setHashing(hashing);
    }
    Map<String, String> meta = new TreeMap<>(extraMetadata);
    meta.put("contract_version", Integer.toString(CONTRACT_VERSION));
    meta.put("opset", Integer.toString(GraphBuilder.OPSET));
    meta.put("init_seed", Long.toString(seed));
    meta.put("classes", Long.toString(spec.classes()));
    meta.put("parameter_count", Long.toString(spec.parameterCount()));
    b.putAllMetadata(meta);
    return b.setChecksum(checksum(b.build())).build();
  }

  /** Hex sha256 of {@code bundle} serialized deterministically with {@code checksum} set to "". */
  public static String checksum(ModelBundle bundle) {
    byte[] bytes = ProtoBytes.deterministic(bundle.toBuilder().setChecksum("").build());
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * Checks a bundle's format version, checksum, and that it carries all four graphs and one initial tensor per
   * parameter.
   *
   * @return {@code bundle}
   * @throws io.trustfl.proto.ProtocolVersions.IncompatibleFormatException if its major format version is not
   *     this build's
   * @throws IllegalArgumentException naming what else is wrong
   */
  public static ModelBundle verify(ModelBundle bundle) {
    ProtocolVersions.check("ModelBundle", bundle.getVersion());
    String expected = checksum(bundle);
    if (!expected.equals(bundle.getChecksum())) {
      throw new IllegalArgumentException("bundle " + bundle.getModelId() + " has checksum '" + bundle.getChecksum()
          + "' but its content hashes to " + expected + ": the file is corrupt or was modified");
    }
    Set<String> graphs = new HashSet<>();
    bundle.getGraphsList().forEach(g -> graphs.add(g.getName()));
    for (String name : ModelGraphs.GRAPH_NAMES) {
      if (!graphs.contains(name)) {
        throw new IllegalArgumentException("bundle " + bundle.getModelId() + " lacks the graph '" + name
            + "' (has " + graphs + ")");
      }
    }
    if (bundle.getInitialWeights().getTensorsCount() != bundle.getParametersCount()) {
      throw new IllegalArgumentException("bundle " + bundle.getModelId() + " has "
          + bundle.getInitialWeights().getTensorsCount() + " initial tensors for " + bundle.getParametersCount()
          + " parameters");
    }
    return bundle;
  }

  /**
   * Parses and {@linkplain #verify verifies} a serialized bundle.
   *
   * @throws IllegalArgumentException if the bytes are not a valid bundle
   */
  public static ModelBundle parse(byte[] bytes) {
    try {
      return verify(ModelBundle.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a ModelBundle: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a bundle shipped in this jar ({@code bundles/<modelId>.bundle.pb}, generated at build time).
   *
   * @param modelId {@link IntentModels#MINILM_MLP} or {@link IntentModels#BAG}
   * @throws IllegalArgumentException if no such bundle ships
   */
  public static ModelBundle loadShipped(String modelId) {
    String path = RESOURCE_DIR + modelId + SUFFIX;
    try (InputStream in = Bundles.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no shipped bundle '" + modelId + "' (looked for " + path
            + "); shipped: " + List.of(IntentModels.MINILM_MLP, IntentModels.BAG));
      }
      return parse(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }

  private static void validateLabels(List<String> labels) {
    if (labels == null || labels.size() < 2) {
      throw new IllegalArgumentException("labels must hold at least 2 class names, got "
          + (labels == null ? "null" : labels.size()));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < labels.size(); i++) {
      String l = labels.get(i);
      if (l == null || l.isBlank()) {
        throw new IllegalArgumentException("label " + i + " must be non-blank, got '" + l + "'");
      }
      if (!seen.add(l)) {
        throw new IllegalArgumentException("label '" + l + "' appears twice (again at index " + i + ")");
      }
    }
  }
}
