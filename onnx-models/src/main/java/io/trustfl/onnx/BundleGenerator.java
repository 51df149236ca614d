package io.trustfl.onnx;

import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.ProtoBytes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes the shipped bundles ({@code intent-minilm-mlp} and {@code intent-bag} for CLINC150's 150 in-scope intents)
 * into a folder. Run by the build (exec-maven-plugin, phase process-classes) with
 * {@code target/classes/bundles} so they ship in the jar.
 */
public final class BundleGenerator {
  /** Class-path resource listing CLINC150's in-scope intents, one per line, sorted. */
  public static final String CLINC150_LABELS = "io/trustfl/onnx/clinc150-intents.txt";

  private BundleGenerator() {}

  /**
   * Generates the shipped bundles.
   *
   * @param args output folder, then the model version
   * @throws IOException if a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: BundleGenerator <output-dir> <model-version>, got "
          + args.length + " arguments");
    }
    Path dir = Path.of(args[0]);
    String version = args[1];
    Files.createDirectories(dir);
    List<String> labels = clinc150Labels();
    write(dir, IntentModels.minilmMlpBundle(labels, IntentModels.DEFAULT_HIDDEN, IntentModels.DEFAULT_SEED, version,
        IntentModels.minilmEncoderSha256()));
    write(dir, IntentModels.bagBundle(labels, IntentModels.DEFAULT_BUCKETS, IntentModels.DEFAULT_BAG_DIM,
        IntentModels.DEFAULT_SEED, version));
  }

  /** CLINC150's 150 in-scope intent names, sorted (the shipped label order). */
  public static List<String> clinc150Labels() throws IOException {
    try (InputStream in = BundleGenerator.class.getClassLoader().getResourceAsStream(CLINC150_LABELS)) {
      if (in == null) {
        throw new IllegalStateException(CLINC150_LABELS + " is missing from the class path");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      return r.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
  }

  private static void write(Path dir, ModelBundle bundle) throws IOException {
    Path target = dir.resolve(bundle.getModelId() + Bundles.SUFFIX);
    Path tmp = dir.resolve(bundle.getModelId() + Bundles.SUFFIX + ".tmp");
    Files.write(tmp, ProtoBytes.deterministic(bundle));
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("[trustfl] wrote " + target + " (" + Files.size(target) + " bytes, sha256 "
        + bundle.getChecksum() + ")");
  }
}
