package io.trustfl.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.fairness.DeviceProbes;
import io.trustfl.fairness.GenderSwapper;
import io.trustfl.fairness.ScoreFunction;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.proto.CheckIn;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.DType;
import io.trustfl.proto.DpMode;
import io.trustfl.proto.EligibilityRules;
import io.trustfl.proto.LocalTraining;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.TaskPlan;
import io.trustfl.proto.Tensor;
import io.trustfl.proto.WeightsCodec;
import io.trustfl.train.Params;
import io.trustfl.train.SoftmaxRegression;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour of the device client. Expected deltas come from {@code src/test/python/client_delta_reference.py}
 * (numpy, full-batch SGD on the same tiny softmax regression).
 */
class FederatedClientTest {
  private static final String CHECKSUM = "ab".repeat(32);
  private static final float[] W0 = {0.1f, -0.2f, 0.05f, 0.0f, 0.3f, -0.1f};
  private static final float[] B0 = {0.01f, 0.0f, -0.02f};
  private static final double[] PLAIN = {-0.05581646412611008, -0.02322421967983246, 0.07904068753123283,
      -0.0383685864508152, 0.0016843974590301514, 0.03668419271707535, 0.0843383502215147, -0.060371387749910355,
      -0.023966960608959198};
  private static final double PLAIN_NORM = 0.15509695331241657;
  private static final double[] CLIPPED = {-0.0179940556323106, -0.007487000609564263, 0.025481057442830208,
      -0.012369226355313432, 0.0005430143607132042, 0.011826213195555572, 0.027188912618944024,
      -0.01946246733432036, -0.007726444684145991};
  private static final double[] PROX = {-0.0992732877493836, -0.038473278284072876, 0.13774656876921654,
      -0.07503329962491989, 0.010083109140396118, 0.06495018303394318, 0.1487048026174307, -0.10074707865715027,
      -0.047957729548215866};
  private static final double[] NO_PROX_2 = {-0.10764575749635696, -0.04195691645145416, 0.14960267767310143,
      -0.08078858256340027, 0.010335773229598999, 0.07045281119644642, 0.16135556064546108, -0.10980278253555298,
      -0.051552776247262955};
  private static final long NOW = 1_700_000_000_000L;

  @TempDir
  Path dir;
  private ExampleStore store;
  private final Kernels kernels = new JavaKernels();
  private final ClientModel model = ClientModel.overEmbeddings("tiny", CHECKSUM, List.of("a", "b", "c"),
      new SoftmaxRegression(2, 3), 2, null);

  @BeforeEach
  void fill() throws IOException {
    store = ExampleStore.open(dir, StoreLimits.ofExamples(100, RetentionPolicy.OLDEST_FIRST));
    store.add("x1", "a", new float[] {1, 0});
    store.add("x2", "b", new float[] {0, 1});
    store.add("x3", "c", new float[] {1, 1});
    store.add("x4", "a", new float[] {-1, 0.5f});
  }

  @AfterEach
  void close() throws IOException {
    store.close();
    kernels.close();
  }

  private FederatedClient.Builder client() {
    return FederatedClient.builder().deviceId("dev-1").store(store).kernels(kernels).model(model)
        .clock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
  }

  private static TaskPlan.Builder plan(int epochs, double mu) {
    return TaskPlan.newBuilder().setVersion(ProtocolVersions.current()).setTaskId("task").setRound(3)
        .setModelId("tiny").setModelChecksum(CHECKSUM)
        .setGlobalWeights(SoftmaxRegression.params(2, 3, W0, B0).toWeights())
        .setLocal(LocalTraining.newBuilder().setEpochs(epochs).setBatchSize(4).setLearningRate(0.5)
            .setOptimizer("sgd").setFedproxMu(mu))
        .setDpMode(DpMode.DP_NONE).setDeadlineUnixMillis(NOW + 60_000);
  }

  private static double[] flatDelta(ClientUpdate u) {
    float[] w = WeightsCodec.decode(u.getDelta().getTensors(0));
    float[] b = WeightsCodec.decode(u.getDelta().getTensors(1));
    double[] d = new double[w.length + b.length];
    for (int i = 0; i < w.length; i++) {
      d[i] = w[i];
    }
    for (int i = 0; i < b.length; i++) {
      d[w.length + i] = b[i];
    }
    return d;
  }

  private static void assertClose(double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, "element " + i);
    }
  }

  private ClientUpdate trained(TaskPlan plan) {
    ClientOutcome o = client().build().run(plan);
    if (o instanceof ClientOutcome.Refused r) {
      throw new AssertionError("refused: " + r.reason() + " " + r.detail());
    }
    return ((ClientOutcome.Trained) o).update();
  }

  @Test
  void plainDeltaIsLocalMinusGlobal() {
    ClientUpdate u = trained(plan(1, 0).build());
    assertClose(PLAIN, flatDelta(u), 1e-6);
    assertEquals(4, u.getExampleCount());
    assertEquals("task", u.getTaskId());
    assertEquals(3, u.getRound());
    assertEquals("dev-1", u.getDeviceId());
    assertEquals(CHECKSUM, u.getModelChecksum());
    assertEquals(PLAIN_NORM, u.getDeltaNormBeforeClip(), 1e-6);
    assertEquals(List.of("w", "b"), u.getDelta().getTensorsList().stream().map(Tensor::getName).toList());
    assertTrue(u.getMetricsMap().get("train_loss") > 0);
    assertEquals(1.0, u.getMetricsMap().get("local_steps"));
  }

  @Test
  void batchSizeZeroIsOneFullBatchStep() {
    // Four examples, batch 0 = all four in one step: the same hand-computed delta as batch 4 (PLAIN).
    ClientUpdate u = trained(plan(1, 0).setLocal(plan(1, 0).getLocal().toBuilder().setBatchSize(0)).build());
    assertClose(PLAIN, flatDelta(u), 1e-6);
    assertEquals(1.0, u.getMetricsMap().get("local_steps"));
    ClientUpdate two = trained(plan(1, 0).setLocal(plan(1, 0).getLocal().toBuilder().setBatchSize(2)).build());
    assertEquals(2.0, two.getMetricsMap().get("local_steps"), "batch 2 over four examples: two steps");
    ClientOutcome o = client().build().run(plan(1, 0).setLocal(plan(1, 0).getLocal().toBuilder().setBatchSize(-5))
        .build());
    assertEquals("plan local.batch_size must be at most 2147483647, got 4294967291",
        ((ClientOutcome.Refused) o).detail());
  }

  @Test
  void deltaIsClippedToThePlanNorm() {
    ClientUpdate u = trained(plan(1, 0).setClipNorm(0.05).build());
    assertClose(CLIPPED, flatDelta(u), 1e-6);
    assertEquals(PLAIN_NORM, u.getMetricsMap().get("delta_norm_before_clip"), 1e-6);
    // A clip norm above the delta's norm leaves it unchanged.
    assertClose(PLAIN, flatDelta(trained(plan(1, 0).setClipNorm(1.0).build())), 1e-6);
  }

  @Test
  void fedProxPullsTowardTheGlobalModel() {
    assertClose(PROX, flatDelta(trained(plan(2, 0.3).build())), 1e-6);
    assertClose(NO_PROX_2, flatDelta(trained(plan(2, 0).build())), 1e-6);
  }

  @Test
  void quantizedUpdateDecodesNearTheFloatDelta() {
    ClientUpdate u = trained(plan(1, 0).setQuantizeBits(8).build());
    assertEquals(DType.QUANTIZED, u.getDelta().getTensors(0).getDtype());
    assertEquals(8, u.getDelta().getTensors(0).getQuantization().getBits());
    double[] d = flatDelta(u);
    // One quantization step of the w tensor: (max − min)/255.
    double step = (0.0843383502215147 - (-0.05581646412611008)) / 255;
    for (int i = 0; i < 6; i++) {
      assertEquals(PLAIN[i], d[i], step + 1e-6, "element " + i);
    }
  }

  @Test
  void localDpAddsNoiseOfTheStatedScaleAfterClipping() {
    TaskPlan p = plan(1, 0).setClipNorm(0.05).setDpMode(DpMode.DP_LOCAL).setLocalNoiseMultiplier(1.0).build();
    ClientUpdate u = trained(p);
    assertEquals(0.05, u.getMetricsMap().get("local_noise_stddev"), 0);
    // Nothing un-noised about the data leaves the device under local DP.
    assertEquals(java.util.Set.of("local_noise_stddev"), u.getMetricsMap().keySet());
    assertEquals(0, u.getDeltaNormBeforeClip());
    assertEquals(1, u.getExampleCount());
    double[] d = flatDelta(u);
    double diffSq = 0;
    for (int i = 0; i < d.length; i++) {
      diffSq += (d[i] - CLIPPED[i]) * (d[i] - CLIPPED[i]);
    }
    assertTrue(diffSq > 0, "noise was added");
    // 9 coordinates of N(0, 0.05²): the squared distance is 0.0025·χ²₉, below 0.0025·40 with overwhelming odds.
    assertTrue(diffSq < 0.0025 * 40, "noise scale " + diffSq);
    // A fresh key per update: two runs differ.
    assertNotEquals(d[0], flatDelta(trained(p))[0]);
  }

  @Test
  void exampleLevelDpSgdSpendsTheDeviceLedger() {
    PrivacyLedger ledger = new PrivacyLedger(new RdpAccountant(), new PrivacyBudget(10, 1e-5));
    TaskPlan p = plan(1, 0).setLocal(plan(1, 0).getLocal().toBuilder().setDpSgd(true).setDpClipNorm(1.0)
        .setDpNoiseMultiplier(1.0).setBatchSize(2)).build();
    ClientOutcome refused = client().build().run(p);
    assertEquals(ClientOutcome.Reason.INVALID_PLAN, ((ClientOutcome.Refused) refused).reason());
    ClientOutcome o = client().exampleLevelLedger(ledger).build().run(p);
    ClientUpdate u = assertInstanceOf(ClientOutcome.Trained.class, o).update();
    assertTrue(ledger.spentEpsilon() > 0);
    assertEquals(ledger.spentEpsilon(), u.getMetricsMap().get("example_level_epsilon"), 1e-12);
  }

  private ClientOutcome.Refused refused(FederatedClient c, TaskPlan p) {
    return assertInstanceOf(ClientOutcome.Refused.class, c.run(p));
  }

  @Test
  void refusesAModelItDoesNotHold() {
    ClientOutcome.Refused r = refused(client().build(), plan(1, 0).setModelId("other").build());
    assertEquals(ClientOutcome.Reason.UNKNOWN_MODEL, r.reason());
    assertEquals("this device does not hold model 'other' (it holds [tiny])", r.detail());
  }

  @Test
  void refusesAWrongChecksum() {
    ClientOutcome.Refused r = refused(client().build(), plan(1, 0).setModelChecksum("cd".repeat(32)).build());
    assertEquals(ClientOutcome.Reason.CHECKSUM_MISMATCH, r.reason());
    assertTrue(r.detail().contains("this device holds checksum " + CHECKSUM), r.detail());
  }

  @Test
  void refusesWhenConditionsAreNotMet() {
    TaskPlan p = plan(1, 0).setEligibility(EligibilityRules.newBuilder().setRequireCharging(true)).build();
    ClientOutcome.Refused r = refused(client().eligibility(Eligibility.fixed(false, true, true, 1f)).build(), p);
    assertEquals(ClientOutcome.Reason.NOT_ELIGIBLE, r.reason());
    assertEquals("device conditions not met: not charging", r.detail());
  }

  @Test
  void refusesAfterTheDeadline() {
    ClientOutcome.Refused r = refused(client().build(), plan(1, 0).setDeadlineUnixMillis(NOW).build());
    assertEquals(ClientOutcome.Reason.DEADLINE_PASSED, r.reason());
  }

  @Test
  void refusesWithoutUsableExamplesAndBadPlans() throws IOException {
    ClientModel other = ClientModel.overEmbeddings("tiny2", CHECKSUM, List.of("z"), new SoftmaxRegression(2, 1), 2,
        null);
    ClientOutcome.Refused r = refused(client().model(other).build(), plan(1, 0).setModelId("tiny2").build());
    assertEquals(ClientOutcome.Reason.NO_EXAMPLES, r.reason());
    assertEquals("the store holds no example with a label of model 'tiny2' (4 with unknown labels)", r.detail());
    r = refused(client().build(), plan(1, 0).setLocal(LocalTraining.newBuilder().setEpochs(1).setBatchSize(4)
        .setLearningRate(0.1).setOptimizer("lbfgs")).build());
    assertEquals(ClientOutcome.Reason.INVALID_PLAN, r.reason());
    assertEquals("plan local.optimizer must be \"sgd\" or \"adam\", got \"lbfgs\"", r.detail());
    r = refused(client().build(), plan(1, 0).setDpMode(DpMode.DP_LOCAL).setLocalNoiseMultiplier(1).build());
    assertEquals("plan dp_mode DP_LOCAL needs clip_norm > 0 (the noise is calibrated to the clipped update's"
        + " sensitivity), got 0.0", r.detail());
  }

  @Test
  void encoderFillsAndCachesMissingEmbeddings() throws IOException {
    store.add("x5", "b", null);
    int[] calls = {0};
    ClientModel encoding = ClientModel.overEmbeddings("tiny", CHECKSUM, List.of("a", "b", "c"),
        new SoftmaxRegression(2, 3), 2, text -> {
          calls[0]++;
          return new float[] {0.5f, 0.5f};
        });
    FederatedClient c = FederatedClient.builder().deviceId("d").store(store).kernels(kernels).model(encoding)
        .build();
    TaskPlan p = plan(1, 0).setDeadlineUnixMillis(0).build();
    assertEquals(5, assertInstanceOf(ClientOutcome.Trained.class, c.run(p)).update().getExampleCount());
    assertInstanceOf(ClientOutcome.Trained.class, c.run(p));
    assertEquals(1, calls[0], "the embedding was computed once and cached in the store");
    assertTrue(store.examples().get(4).hasEmbedding());
  }

  @Test
  void checkInReportsStateActivityAndModels() throws IOException {
    FederatedClient c = client().eligibility(Eligibility.fixed(true, false, true, 0.4f)).build();
    CheckIn first = c.checkIn();
    assertEquals(4, first.getExamplesAvailable());
    assertEquals(4, first.getExamplesAddedSinceLastCheckin());
    assertEquals(List.of(CHECKSUM), first.getModelChecksumsList());
    assertEquals(NOW, first.getUnixMillis());
    assertTrue(first.getState().getCharging());
    store.add("x5", "b", new float[] {0, 0});
    CheckIn second = c.checkIn();
    assertEquals(5, second.getExamplesAvailable());
    assertEquals(1, second.getExamplesAddedSinceLastCheckin());
  }

  @Test
  void paramsOfThePlanAreUsedAsGlobal() {
    // Sanity check of the fixture: the plan's weights decode to W0, B0.
    Params p = Params.fromWeights(plan(1, 0).getGlobalWeights());
    assertEquals(W0[1], p.values(0)[1]);
  }

  @Test
  void namedProbesAddOnlyTheirAggregatesAndUnknownNamesAreCounted() {
    GenderSwapper swapper = GenderSwapper.of(java.util.Map.of("x1", "y1"));
    // f = 0.9 on "x1", 0.2 elsewhere: one pair (x1, y1), gap |0.9 - 0.2| = 0.7, a flip at threshold 0.5.
    ScoreFunction f = texts -> texts.stream().mapToDouble(t -> t.equals("x1") ? 0.9 : 0.2).toArray();
    List<Integer> seen = new java.util.ArrayList<>();
    FederatedClient c = client().probe(DeviceProbes.COUNTERFACTUAL, (m, trained, examples, st) -> {
      seen.add(examples.size());
      assertNotEquals(W0[0], trained.values(0)[0], "the probe sees the locally trained model");
      return DeviceProbes.counterfactual(f, examples.stream().map(StoredExample::text).toList(), swapper, 0.5);
    }).build();
    TaskPlan base = plan(1, 0).build();
    ClientUpdate without = ((ClientOutcome.Trained) c.run(base)).update();
    assertTrue(seen.isEmpty(), "a plan without probes runs none");
    ClientUpdate with = ((ClientOutcome.Trained) c.run(base.toBuilder().addProbes("counterfactual")
        .addProbes("weat").addProbes("counterfactual").build())).update();
    assertEquals(List.of(4), seen, "run once, over the 4 training examples");
    java.util.Map<String, Double> added = new java.util.TreeMap<>(with.getMetricsMap());
    added.keySet().removeAll(without.getMetricsMap().keySet());
    assertEquals(java.util.Map.of("fairness.counterfactual.examples", 1.0, "fairness.counterfactual.flip_rate", 1.0,
        "fairness.unknown_probes", 1.0), java.util.Map.of("fairness.counterfactual.examples",
        added.get("fairness.counterfactual.examples"), "fairness.counterfactual.flip_rate",
        added.get("fairness.counterfactual.flip_rate"), "fairness.unknown_probes",
        added.get("fairness.unknown_probes")));
    assertEquals(0.7, added.get("fairness.counterfactual.gap"), 1e-12);
    assertEquals(4, added.size(), added.toString());
    for (String k : with.getMetricsMap().keySet()) {
      assertTrue(!k.contains("x1") && !k.contains("y1"), "no example text in the metrics: " + k);
    }
  }

  @Test
  void noProbeRunsUnderLocalDp() {
    FederatedClient c = client().probe(DeviceProbes.COUNTERFACTUAL, (m, trained, examples, st) -> {
      throw new AssertionError("a probe ran under local DP");
    }).build();
    TaskPlan p = plan(1, 0).setClipNorm(0.05).setDpMode(DpMode.DP_LOCAL).setLocalNoiseMultiplier(1.0)
        .addProbes("counterfactual").addProbes("weat").build();
    ClientUpdate u = ((ClientOutcome.Trained) c.run(p)).update();
    assertEquals(java.util.Set.of("local_noise_stddev"), u.getMetricsMap().keySet());
  }

  @Test
  void probeNamesAreValidated() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> client().probe("Bad Name", (m, t, x, st) -> null));
    assertEquals("probe name must match [a-z][a-z0-9_]*, got 'Bad Name'", e.getMessage());
  }
}
