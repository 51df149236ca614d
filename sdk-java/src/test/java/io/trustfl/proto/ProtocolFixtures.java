package io.trustfl.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import java.util.LinkedHashMap;
import java.util.Map;

/** One fully populated instance of every top-level message; the golden files are these, serialized. */
final class ProtocolFixtures {
  private ProtocolFixtures() {}

  static FormatVersion v1() {
    return FormatVersion.newBuilder().setMajor(1).setMinor(0).build();
  }

  static Tensor tensor() {
    // Two float32 values 1.0 and -2.5, little-endian: 0x3F800000, 0xC0200000.
    return Tensor.newBuilder().setName("fc1.weight").setDtype(DType.FLOAT32).addShape(1).addShape(2)
        .setData(ByteString.copyFrom(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0x20, (byte) 0xc0})).build();
  }

  static Weights weights() {
    Tensor q = Tensor.newBuilder().setName("fc1.bias").setDtype(DType.QUANTIZED).addShape(3)
        .setData(ByteString.copyFrom(new byte[] {0x1b}))
        .setQuantization(Quantization.newBuilder().setBits(2).setLo(-1).setHi(1)).build();
    return Weights.newBuilder().setVersion(v1()).addTensors(tensor()).addTensors(q).build();
  }

  static Map<String, Message> all() {
    Map<String, Message> m = new LinkedHashMap<>();
    m.put("Weights", weights());
    m.put("TaskPlan", TaskPlan.newBuilder().setVersion(v1()).setTaskId("clinc150-fedavg").setRound(42)
        .setModelId("intent-minilm-mlp").setModelChecksum("ab".repeat(32)).setGlobalWeights(weights())
        .setLocal(LocalTraining.newBuilder().setEpochs(2).setBatchSize(16).setLearningRate(0.05)
            .setOptimizer("sgd").setMomentum(0.9).setFedproxMu(0.01).setDpSgd(true).setDpNoiseMultiplier(1.1)
            .setDpClipNorm(1.0).setMaxExamples(200))
        .setClipNorm(0.5).setDpMode(DpMode.DP_CENTRAL).setLocalNoiseMultiplier(0).setQuantizeBits(8)
        .setDeadlineUnixMillis(1_700_000_000_000L)
        .setEligibility(EligibilityRules.newBuilder().setRequireCharging(true).setRequireIdle(true)
            .setRequireUnmeteredNetwork(true).setMinBatteryLevel(0.5f))
        .addProbes("counterfactual-gap").build());
    m.put("ClientUpdate", ClientUpdate.newBuilder().setVersion(v1()).setTaskId("clinc150-fedavg").setRound(42)
        .setDeviceId("device-0007").setDelta(weights()).setExampleCount(37).setDeltaNormBeforeClip(0.73)
        .putMetrics("loss", 0.25).putMetrics("accuracy", 0.875).setModelChecksum("ab".repeat(32)).build());
    m.put("CheckIn", CheckIn.newBuilder().setVersion(v1()).setDeviceId("device-0007")
        .setState(DeviceState.newBuilder().setCharging(true).setIdle(true).setUnmeteredNetwork(false)
            .setBatteryLevel(0.8f))
        .setExamplesAvailable(120).setExamplesAddedSinceLastCheckin(7).addModelChecksums("ab".repeat(32))
        .setUnixMillis(1_700_000_000_123L).build());
    m.put("RoundSummary", RoundSummary.newBuilder().setVersion(v1()).setTaskId("clinc150-fedavg").setRound(42)
        .setSelected(60).setReported(52).setAccepted(50).putRejectedByReason("non_finite", 1)
        .putRejectedByReason("late", 1).setClipNorm(0.5).setNoiseMultiplier(1.2).setEpsilon(3.25).setDelta(1e-5)
        .putMetrics("accuracy", 0.91).setStartedUnixMillis(1_700_000_000_000L)
        .setFinishedUnixMillis(1_700_000_060_000L).build());
    m.put("AccountantState", AccountantState.newBuilder().setVersion(v1()).setAccountant("rdp")
        .addEvents(DpEvent.newBuilder().setSamplingRate(0.04).setNoiseMultiplier(1.5).setSteps(2250))
        .addEvents(DpEvent.newBuilder().setSamplingRate(0.01).setNoiseMultiplier(0.7).setSteps(120))
        .setDelta(1e-5).setEpsilonBudget(8).setOrders("opacus").build());
    m.put("ModelBundle", ModelBundle.newBuilder().setVersion(v1()).setModelId("intent-bag").setModelVersion("1")
        .addGraphs(Graph.newBuilder().setName("forward").setOnnx(ByteString.copyFromUtf8("not a real graph"))
            .addInputNames("ids").addOutputNames("logits"))
        .addParameters(ParameterSpec.newBuilder().setName("fc1.weight").setDtype(DType.FLOAT32).addShape(1)
            .addShape(2).setTrainable(true))
        .setInitialWeights(weights()).addLabels("balance").addLabels("transfer")
        .setEncoder(EncoderSpec.newBuilder().setName("all-minilm-l6-v2-q").setSha256("cd".repeat(32))
            .setDimension(384).setTokenizer("all-minilm-l6-v2-q-tokenizer.json").setMaxTokens(128))
        .setHashing(HashingSpec.newBuilder().setBuckets(1 << 15).setMinN(1).setMaxN(2).setMaxTokens(64)
            .setSeed(17).setLowercase(true))
        .setChecksum("ef".repeat(32)).putMetadata("family", "bag").build());
    return m;
  }
}
