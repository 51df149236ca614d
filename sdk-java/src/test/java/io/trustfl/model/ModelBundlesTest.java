package io.trustfl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.trustfl.proto.FormatVersion;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.ProtoBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checksum definition and every verification failure, each with a message naming the problem and the fix. */
class ModelBundlesTest {
  private static void assertInvalid(ModelBundle b, Set<String> graphs, String expected) {
    InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> ModelBundles.verify(b, graphs));
    assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
  }

  @Test
  void checksumIsSha256OfDeterministicBytesWithChecksumEmpty() throws Exception {
    ModelBundle b = TinyGraphs.bundle();
    byte[] bytes = ProtoBytes.deterministic(b.toBuilder().setChecksum("").build());
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(expected, b.getChecksum());
    assertEquals(expected, ModelBundles.checksum(b));
    ModelBundles.verify(b, Set.of(ModelBundles.FORWARD));
  }

  @Test
  void wrongChecksumIsRejected() {
    ModelBundle tampered = TinyGraphs.bundle().toBuilder().setModelVersion("tampered").build();
    assertInvalid(tampered, Set.of(), "was modified or corrupted after sealing");
    assertInvalid(TinyGraphs.bundle().toBuilder().clearChecksum().build(), Set.of(), "carries no checksum");
  }

  @Test
  void missingOrEmptyGraphsAreRejected() {
    ModelBundle b = TinyGraphs.bundle();
    assertInvalid(b, Set.of(ModelBundles.TRAIN_STEP), "has no graph 'train_step' (it has [forward])");
    ModelBundle empty = ModelBundles.seal(b.toBuilder().setGraphs(0, b.getGraphs(0).toBuilder()
        .setOnnx(ByteString.EMPTY)).build());
    assertInvalid(empty, Set.of(ModelBundles.FORWARD), "has no ONNX bytes");
    ModelBundle twice = ModelBundles.seal(b.toBuilder().addGraphs(b.getGraphs(0)).build());
    assertInvalid(twice, Set.of(), "two graphs named 'forward'");
  }

  @Test
  void versionLabelsAndWeightsAreChecked() {
    ModelBundle b = TinyGraphs.bundle();
    assertInvalid(ModelBundles.seal(b.toBuilder().setVersion(FormatVersion.newBuilder().setMajor(2)).build()),
        Set.of(), "upgrade this reader");
    assertInvalid(ModelBundles.seal(b.toBuilder().clearLabels().build()), Set.of(), "has no labels");
    assertInvalid(ModelBundles.seal(b.toBuilder().clearLabels().addAllLabels(List.of("a", "a")).build()), Set.of(),
        "repeated label 'a'");
    ModelBundle shortWeights = ModelBundles.seal(b.toBuilder().setInitialWeights(b.getInitialWeights().toBuilder()
        .setTensors(1, TinyGraphs.floats("b", new float[] {1, 2, 3}, 3))).build());
    assertInvalid(shortWeights, Set.of(), "initial weights of 'b' have dtype FLOAT32 shape [3]");
    ModelBundle nan = ModelBundles.seal(b.toBuilder().setInitialWeights(b.getInitialWeights().toBuilder()
        .setTensors(1, TinyGraphs.floats("b", new float[] {1, Float.NaN}, 2))).build());
    assertInvalid(nan, Set.of(), "initial weights of 'b' hold a non-finite value");
  }

  @Test
  void readsAndLoadsFiles(@TempDir Path dir) throws IOException {
    Path good = dir.resolve("tiny.bundle.pb");
    Files.write(good, TinyGraphs.bundle().toByteArray());
    assertEquals("tiny-linear", ModelBundles.load(good, Set.of(ModelBundles.FORWARD)).getModelId());
    Path bad = dir.resolve("bad.bundle.pb");
    Files.write(bad, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> ModelBundles.read(bad));
    assertTrue(e.getMessage().contains("is not a TrustFL ModelBundle"), e.getMessage());
    Path tampered = dir.resolve("tampered.bundle.pb");
    Files.write(tampered, TinyGraphs.bundle().toBuilder().setModelId("other").build().toByteArray());
    InvalidBundleException t = assertThrows(InvalidBundleException.class,
        () -> ModelBundles.load(tampered, Set.of()));
    assertTrue(t.getMessage().startsWith(tampered.toString()), t.getMessage());
  }
}
