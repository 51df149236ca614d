package io.trustfl.server.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.proto.AccountantState;
import io.trustfl.proto.DpEvent;
import io.trustfl.proto.Weights;
import io.trustfl.proto.WeightsCodec;
import io.trustfl.server.aggregation.OptimizerState;
import io.trustfl.server.aggregation.ServerOptimizer;
import io.trustfl.train.Batch;
import io.trustfl.train.DenseFeatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's small parts: option parsing, quantiles, Poisson draws, canonical order, checkpoints. */
class SimulationPartsTest {

  @Test
  void partitionSpecParsesAndRejects() {
    assertEquals(new PartitionSpec(PartitionSpec.Kind.DIRICHLET, 0.1), PartitionSpec.parse("dirichlet:0.1"));
    assertEquals(PartitionSpec.Kind.IID, PartitionSpec.parse("IID").kind());
    assertEquals(2.5, PartitionSpec.parse("quantity:2.5").parameter());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PartitionSpec.parse("zipf:1")).getMessage()
        .contains("iid, dirichlet:<alpha> or quantity:<beta>"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PartitionSpec.parse("dirichlet:-1"))
        .getMessage().contains("> 0, got -1.0"));
    assertThrows(IllegalArgumentException.class, () -> PartitionSpec.parse("dirichlet:x"));
  }

  @Test
  void quantilesMatchNumpyLinearInterpolation() {
    // numpy.quantile([1, 2, 4, 8, 16], [0.1, 0.5, 0.9]) = [1.4, 4.0, 12.8]
    double[] v = {1, 2, 4, 8, 16};
    assertEquals(1.4, Simulator.quantile(v, 0.1), 1e-12);
    assertEquals(4.0, Simulator.quantile(v, 0.5), 1e-12);
    assertEquals(12.8, Simulator.quantile(v, 0.9), 1e-12);
    assertEquals(3.0, Simulator.quantile(new double[] {3}, 0.9));
    assertNull(Simulator.quantile(new double[0], 0.5));
  }

  @Test
  void poissonDrawsHaveTheRightMean() {
    SplittableRandom r = new SplittableRandom(1);
    for (double lambda : new double[] {0.3, 4, 50}) {
      int n = 20000;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += Seeds.poisson(lambda, r);
      }
      // mean within 5 standard errors
      assertEquals(lambda, sum / n, 5 * Math.sqrt(lambda / n), "lambda " + lambda);
    }
    assertEquals(Seeds.mix(1, 2, 3), Seeds.mix(1, 2, 3));
    assertTrue(Seeds.mix(1, 2, 3) != Seeds.mix(1, 2, 4));
  }

  @Test
  void canonicalOrderSortsByLabelThenFeatures() {
    float[] x = {3, 0, 1, 0, 2, 0, 1, 5};
    Batch b = new Batch(new DenseFeatures(x, 4, 2), new int[] {1, 0, 1, 0});
    // rows: (3,0) label 1; (1,0) label 0; (2,0) label 1; (1,5) label 0
    assertArrayEquals(new int[] {1, 3, 2, 0}, CanonicalOrderStepModel.canonicalOrder(b));
    // The order depends only on the content, not on the input order.
    Batch shuffled = b.select(new int[] {2, 0, 3, 1});
    Batch s1 = b.select(CanonicalOrderStepModel.canonicalOrder(b));
    Batch s2 = shuffled.select(CanonicalOrderStepModel.canonicalOrder(shuffled));
    assertArrayEquals(s1.labels(), s2.labels());
    assertArrayEquals(((DenseFeatures) s1.features()).values(), ((DenseFeatures) s2.features()).values());
  }

  @Test
  void checkpointRoundTripsAndDetectsCorruption(@TempDir Path dir) throws IOException {
    Weights w = Weights.newBuilder().addTensors(WeightsCodec.encodeFloat32("w", new long[] {2},
        new float[] {1.5f, -2f})).build();
    AccountantState acc = AccountantState.newBuilder().setAccountant("rdp").setDelta(1e-5).setEpsilonBudget(8)
        .addEvents(DpEvent.newBuilder().setSamplingRate(0.1).setNoiseMultiplier(1.1).setSteps(3)).build();
    Checkpoint cp = new Checkpoint("fp", 3, w, new OptimizerState("fedadam", 3, new double[] {0.1, 0.2},
        new double[] {0.3, 0.4}), acc, 0.25, 1.1, new int[] {1, 0, 2}, false);
    Path f = dir.resolve("cp.bin");
    cp.write(f);
    assertEquals(cp, Checkpoint.read(f).orElseThrow());
    assertTrue(Checkpoint.read(dir.resolve("missing.bin")).isEmpty());
    byte[] b = Files.readAllBytes(f);
    b[20] ^= 1;
    Files.write(f, b);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f)).getMessage()
        .contains("fails its checksum"));
  }

  @Test
  void cosineServerLearningRateDecaysAndKeepsTheWrappedState() {
    CosineServerLearningRate o = new CosineServerLearningRate(ServerOptimizer::fedAvg, 1.0, 2);
    // eta_t = 0.01 + 0.99 * (1 + cos(pi t / 2)) / 2: 1, 0.505, 0.01
    assertEquals(1.0, o.learningRate(0), 1e-15);
    assertEquals(0.505, o.learningRate(1), 1e-15);
    assertEquals(0.01, o.learningRate(2), 1e-15);
    assertEquals(0.01, o.learningRate(5), 1e-15);
    float[] global = {0f};
    o.step(global, new double[] {1.0});
    o.step(global, new double[] {1.0});
    assertEquals(1.505f, global[0], 1e-6f);
    assertEquals(2, o.state().steps());
    assertEquals("fedavg", o.name());
    CosineServerLearningRate resumed = new CosineServerLearningRate(ServerOptimizer::fedAvg, 1.0, 2);
    resumed.restore(o.state());
    assertEquals(o.state(), resumed.state());
    assertThrows(IllegalArgumentException.class, () -> resumed.restore(ServerOptimizer.fedAdam().state()));
  }

  @Test
  void configRejectsInconsistentOptions() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SimulationConfig.builder().clients(10)
        .clientsPerRound(20).build()).getMessage().contains("clientsPerRound must be <= clients (10), got 20"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SimulationConfig.builder()
        .dp(SimulationConfig.DpKind.CENTRAL).adaptiveClipping(false).clipNorm(Double.POSITIVE_INFINITY).build())
        .getMessage().contains("clipNorm must be finite and > 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SimulationConfig.builder().dropout(1).build())
        .getMessage().contains("dropout must be in [0, 1), got 1.0"));
    assertEquals(20, SimulationConfig.builder().continual(true).build().effectiveStoreCap());
    assertEquals("clipInit needs central DP with adaptive clipping", assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.builder().clipInit(2).build()).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SimulationConfig.builder()
        .dp(SimulationConfig.DpKind.CENTRAL).adaptiveClipping(false).clipNorm(1).clipInit(2).build())
        .getMessage().startsWith("clipInit is the initial norm of adaptive clipping"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SimulationConfig.builder()
        .dp(SimulationConfig.DpKind.CENTRAL).clipInit(0).build()).getMessage()
        .contains("clipInit must be finite and > 0, got 0.0"));
  }
}
