package io.trustfl.server.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.client.ClientModel;
import io.trustfl.client.ClientOutcome;
import io.trustfl.client.ExampleStore;
import io.trustfl.client.FederatedClient;
import io.trustfl.client.HttpTransport;
import io.trustfl.client.RetentionPolicy;
import io.trustfl.client.StoreLimits;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.proto.LocalTraining;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.TaskPlan;
import io.trustfl.proto.Weights;
import io.trustfl.proto.WeightsCodec;
import io.trustfl.server.aggregation.FedAvgAggregator;
import io.trustfl.server.aggregation.ServerOptimizer;
import io.trustfl.server.selection.OverSelection;
import io.trustfl.server.selection.SamplingScheme;
import io.trustfl.server.selection.UniformSelection;
import io.trustfl.train.Batch;
import io.trustfl.train.DpStepResult;
import io.trustfl.train.Params;
import io.trustfl.train.PlainStepResult;
import io.trustfl.train.StepModel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One federated round end to end over loopback HTTP: devices with on-disk example stores check in through the SDK's
 * {@link FederatedClient} and {@link HttpTransport}, train locally, clip, upload; the coordinator aggregates.
 *
 * <p>The model is a bias-only softmax over two classes (logits = b), so the expected result is a hand computation:
 * from b = 0 one full-batch SGD step with learning rate 1 gives the delta {@code (p_a − ½, p_b − ½)}, where
 * {@code p_a} is the device's share of label "a"; each delta is clipped to 0.2 and the server averages them.
 */
class FederatedRoundEndToEndTest {
  private static final String CHECKSUM = "e2".repeat(32);

  @TempDir
  Path dir;

  /** logits = b for every row; gradient of the summed loss = Σ (softmax(b) − onehot(y)). */
  static final class BiasOnly implements StepModel {
    @Override
    public int numClasses() {
      return 2;
    }

    @Override
    public float[] logits(Batch batch, Params params) {
      float[] b = params.values(0);
      float[] out = new float[batch.size() * 2];
      for (int i = 0; i < batch.size(); i++) {
        out[2 * i] = b[0];
        out[2 * i + 1] = b[1];
      }
      return out;
    }

    @Override
    public PlainStepResult step(Batch batch, Params params) {
      float[] b = params.values(0);
      double m = Math.max(b[0], b[1]);
      double z = Math.exp(b[0] - m) + Math.exp(b[1] - m);
      double[] p = {Math.exp(b[0] - m) / z, Math.exp(b[1] - m) / z};
      double[] g = new double[2];
      double loss = 0;
      for (int y : batch.labels()) {
        g[0] += p[0] - (y == 0 ? 1 : 0);
        g[1] += p[1] - (y == 1 ? 1 : 0);
        loss -= Math.log(p[y]);
      }
      return new PlainStepResult(loss / batch.size(), new double[][] {g});
    }

    @Override
    public DpStepResult dpStep(Batch batch, Params params, double clipNorm) {
      throw new UnsupportedOperationException("not used by this test");
    }
  }

  @Test
  void devicesTrainClipAndTheCoordinatorAveragesOverHttp() throws Exception {
    Weights initial = Weights.newBuilder().setVersion(ProtocolVersions.current())
        .addTensors(WeightsCodec.encodeFloat32("b", new long[] {2}, new float[] {0f, 0f})).build();
    String[][] labels = {{"a", "a", "a", "b"}, {"b", "b"}, {"a", "b"}, {"a", "b", "b", "b"}};
    CoordinatorConfig cfg = CoordinatorConfig.builder().taskId("e2e").model("bias", CHECKSUM)
        .initialWeights(initial)
        .local(LocalTraining.newBuilder().setEpochs(1).setBatchSize(16).setLearningRate(1.0).setOptimizer("sgd")
            .build())
        .clipNorm(0.2)
        .selection(labels.length, new OverSelection(new UniformSelection(SamplingScheme.FIXED_SIZE), 0, 4))
        .selectionTrigger(labels.length, Duration.ofSeconds(30)).reportingWindow(Duration.ofSeconds(30))
        .aggregator(FedAvgAggregator.uniform(1.0)).optimizer(ServerOptimizer.fedAvg(1.0))
        .stateDirectory(dir.resolve("coordinator")).build();
    try (JavaKernels kernels = new JavaKernels();
        CoordinatorServer server = CoordinatorServer.start(Coordinator.open(cfg, kernels, Clock.systemUTC()),
            new InetSocketAddress("127.0.0.1", 0), 8, Duration.ofMillis(20))) {
      HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(10), 1 << 20);
      CoordinatorLoopbackTest.runAll(labels.length, labels.length, d -> {
        try (ExampleStore store = ExampleStore.open(dir.resolve("device-" + d),
            StoreLimits.ofExamples(100, RetentionPolicy.OLDEST_FIRST))) {
          for (String l : labels[d]) {
            store.add("text " + l, l, new float[] {1f});
          }
          FederatedClient client = FederatedClient.builder().deviceId("device-" + d).store(store)
              .kernels(kernels).model(ClientModel.overEmbeddings("bias", CHECKSUM, List.of("a", "b"),
                  new BiasOnly(), 1, null))
              .build();
          Optional<TaskPlan> plan = transport.checkIn(client.checkIn());
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (plan.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
            plan = transport.downloadPlan(client.deviceId());
          }
          ClientOutcome outcome = client.run(plan.orElseThrow());
          HttpTransport.UploadResult r = transport.upload(
              assertInstanceOf(ClientOutcome.Trained.class, outcome).update());
          assertTrue(r.accepted(), r.toString());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (server.coordinator().status().roundsCompleted() < 1 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      // Deltas (.25, −.25), (−.5, .5), (0, 0), (−.25, .25); clipped to 0.2: ±0.2/√2 except the zero one.
      double c = 0.2 / Math.sqrt(2);
      double expectedA = (c - c + 0 - c) / 4;
      float[] b = WeightsCodec.decode(server.coordinator().globalWeights().getTensors(0));
      assertEquals(expectedA, b[0], 1e-6);
      assertEquals(-expectedA, b[1], 1e-6);
      assertEquals(4, server.coordinator().summaries().get(0).getAccepted());
    }
  }
}
