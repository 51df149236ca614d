package io.trustfl.model;

import com.google.protobuf.InvalidProtocolBufferException;
import io.trustfl.proto.DType;
import io.trustfl.proto.Graph;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.ParameterSpec;
import io.trustfl.proto.ProtoBytes;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reading, sealing and verifying {@link ModelBundle} messages. A bundle's checksum is the lower-case hex sha256 of
 * its deterministic serialization ({@link ProtoBytes#deterministic}) with the {@code checksum} field empty.
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelBundles {
  /** Graph names the bundle format defines. */
  public static final String FORWARD = "forward";
  /** Mean loss and summed gradients (non-private training). */
  public static final String TRAIN_STEP = "train_step";
  /** Per-example losses, norms and the sum of clipped per-example gradients. */
  public static final String DP_TRAIN_STEP = "dp_train_step";
  /** Gradient of an output with respect to the input features. */
  public static final String INPUT_GRAD = "input_grad";

  private ModelBundles() {}

  /**
   * Parses a bundle file without verifying it.
   *
   * @throws InvalidBundleException if the bytes are not a ModelBundle
   * @throws UncheckedIOException if the file cannot be read
   */
  public static ModelBundle read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model bundle " + file, e);
    }
  }

  /**
   * Parses a bundle and verifies it ({@link #verify(ModelBundle, Collection)}) with the given required graphs.
   *
   * @throws InvalidBundleException naming the first problem found
   */
  public static ModelBundle load(Path file, Collection<String> requiredGraphs) {
    ModelBundle bundle = read(file);
    try {
      verify(bundle, requiredGraphs);
    } catch (InvalidBundleException e) {
      throw new InvalidBundleException(file + ": " + e.getMessage());
    }
    return bundle;
  }

  private static ModelBundle parse(InputStream in, String source) throws IOException {
    try {
      return ModelBundle.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidBundleException(source + " is not a TrustFL ModelBundle (" + e.getMessage() + "); rebuild it"
          + " with the onnx-models module");
    }
  }

  /** Lower-case hex of {@code bytes} (java.util.HexFormat is not on Android API 26). */
  static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return s.toString();
  }

  /** The checksum {@code bundle} should carry: hex sha256 of its deterministic bytes with the checksum cleared. */
  public static String checksum(ModelBundle bundle) {
    byte[] bytes = ProtoBytes.deterministic(bundle.toBuilder().clearChecksum().build());
    try {
      return hex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Returns {@code bundle} with its checksum field set to {@link #checksum(ModelBundle)}. */
  public static ModelBundle seal(ModelBundle bundle) {
    return bundle.toBuilder().setChecksum(checksum(bundle)).build();
  }

  /**
   * Verifies a bundle: format version, checksum, that every required graph is present with ONNX bytes and declared
   * input and output names, that graph names are unique, that labels are non-empty and distinct, and that initial
   * weights, when present, match the parameter specs (names, shapes, dtype, byte length).
   *
   * @param requiredGraphs graph names that must be present (e.g. {@link #FORWARD}, {@link #DP_TRAIN_STEP})
   * @throws InvalidBundleException naming the first problem found and the fix
   */
  public static void verify(ModelBundle bundle, Collection<String> requiredGraphs) {
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(requiredGraphs, "requiredGraphs");
    String name = bundle.getModelId().isEmpty() ? "model bundle" : "model bundle '" + bundle.getModelId() + "'";
    try {
      ProtocolVersions.check("ModelBundle", bundle.getVersion());
    } catch (ProtocolVersions.IncompatibleFormatException e) {
      throw new InvalidBundleException(name + ": " + e.getMessage());
    }
    if (bundle.getChecksum().isEmpty()) {
      throw new InvalidBundleException(name + " carries no checksum; seal it with ModelBundles.seal before"
          + " shipping it");
    }
    String expected = checksum(bundle);
    if (!expected.equalsIgnoreCase(bundle.getChecksum())) {
      throw new InvalidBundleException(name + " has checksum " + bundle.getChecksum() + " but its content hashes to "
          + expected + ": the bundle was modified or corrupted after sealing; download or rebuild it");
    }
    Map<String, Graph> graphs = new HashMap<>();
    for (Graph g : bundle.getGraphsList()) {
      if (graphs.put(g.getName(), g) != null) {
        throw new InvalidBundleException(name + " has two graphs named '" + g.getName() + "'; rebuild it");
      }
    }
    for (String required : requiredGraphs) {
      Graph g = graphs.get(required);
      if (g == null) {
        throw new InvalidBundleException(name + " has no graph '" + required + "' (it has " + graphs.keySet()
            + "); use a bundle built with that graph, e.g. a newer onnx-models build");
      }
      if (g.getOnnx().isEmpty()) {
        throw new InvalidBundleException(name + ": graph '" + required + "' has no ONNX bytes; rebuild the bundle");
      }
      if (g.getInputNamesCount() == 0 || g.getOutputNamesCount() == 0) {
        throw new InvalidBundleException(name + ": graph '" + required + "' declares no input or output names;"
            + " rebuild the bundle");
      }
    }
    if (bundle.getLabelsCount() == 0) {
      throw new InvalidBundleException(name + " has no labels; a classifier bundle must list its classes");
    }
    Set<String> labels = new HashSet<>();
    for (String label : bundle.getLabelsList()) {
      if (label.isEmpty() || !labels.add(label)) {
        throw new InvalidBundleException(name + " has an empty or repeated label '" + label + "'; labels must be"
            + " distinct and non-empty");
      }
    }
    if (bundle.hasInitialWeights()) {
      checkWeights(name, bundle);
    }
  }

  private static void checkWeights(String name, ModelBundle bundle) {
    Map<String, Tensor> tensors = new HashMap<>();
    for (Tensor t : bundle.getInitialWeights().getTensorsList()) {
      tensors.put(t.getName(), t);
    }
    for (ParameterSpec p : bundle.getParametersList()) {
      Tensor t = tensors.get(p.getName());
      if (t == null) {
        throw new InvalidBundleException(name + ": parameter '" + p.getName() + "' has no initial weights");
      }
      if (!t.getShapeList().equals(p.getShapeList()) || t.getDtype() != p.getDtype()) {
        throw new InvalidBundleException(name + ": initial weights of '" + p.getName() + "' have dtype "
            + t.getDtype() + " shape " + t.getShapeList() + " but the parameter spec says " + p.getDtype() + " "
            + p.getShapeList());
      }
      long elements = 1;
      for (long d : p.getShapeList()) {
        elements *= d;
      }
      long width = bytesPerElement(p.getDtype());
      if (width > 0 && t.getData().size() != elements * width) {
        throw new InvalidBundleException(name + ": initial weights of '" + p.getName() + "' hold "
            + t.getData().size() + " bytes, expected " + elements * width);
      }
      if (p.getDtype() == DType.FLOAT32 || p.getDtype() == DType.FLOAT64) {
        ByteBuffer data = t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < elements; i++) {
          double v = p.getDtype() == DType.FLOAT32 ? data.getFloat() : data.getDouble();
          if (!Double.isFinite(v)) {
            throw new InvalidBundleException(name + ": initial weights of '" + p.getName() + "' hold a non-finite"
                + " value (" + v + " at element " + i + "); rebuild the bundle");
          }
        }
      }
    }
  }

  private static long bytesPerElement(DType dtype) {
    return switch (dtype) {
      case FLOAT32, INT32 -> 4;
      case FLOAT64, INT64 -> 8;
      default -> 0;
    };
  }
}
