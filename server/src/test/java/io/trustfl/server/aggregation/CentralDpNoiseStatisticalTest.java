package io.trustfl.server.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.NoiseKey;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The released average carries Gaussian noise of standard deviation σ·C / (expected clients) per coordinate.
 * One release of D = 200,000 coordinates: the sample std has relative standard error 1/√(2D) ≈ 0.16%, so a 1%
 * tolerance is over 6 standard errors; the mean's standard error is std/√D.
 */
@Tag("statistical")
class CentralDpNoiseStatisticalTest {

  @Test
  void noiseStdMatchesSigmaTimesClipOverExpectedClients() {
    int dim = 200_000;
    ModelLayout layout = new ModelLayout(java.util.List.of(
        new ModelLayout.TensorSpec("head", java.util.List.of((long) dim))));
    double sigma = 1.3;
    double clip = 0.7;
    double expected = 40;
    CentralDpAggregator dp = CentralDpAggregator.builder().noiseMultiplier(sigma).expectedClientsPerRound(expected)
        .fixedClipNorm(clip).noiseKey(NoiseKey.random()).build();
    try (Kernels kernels = KernelRegistry.open("java")) {
      // 25 clients report the same clipped update u (norm 0.5 < C): the mean is 25u/40 plus noise.
      float[] u = new float[dim];
      u[0] = 0.5f;
      RoundSpec spec = RoundSpec.of("stat", 0, layout, 10);
      PartialAggregate p = dp.open(kernels, spec);
      io.trustfl.proto.ClientUpdate update = io.trustfl.proto.ClientUpdate.newBuilder()
          .setVersion(io.trustfl.proto.ProtocolVersions.current()).setTaskId("stat").setRound(0)
          .setExampleCount(1).setDelta(layout.toWeights(u)).build();
      for (int i = 0; i < 25; i++) {
        p.offer(update);
      }
      double[] mean = dp.finish(p).meanDelta();
      double s = 0;
      double ss = 0;
      for (int i = 1; i < dim; i++) {
        s += mean[i];
        ss += mean[i] * mean[i];
      }
      int n = dim - 1;
      double m = s / n;
      double std = Math.sqrt((ss - n * m * m) / (n - 1));
      double want = sigma * clip / expected;
      assertEquals(want, std, 0.01 * want);
      assertEquals(0.0, m, 5 * want / Math.sqrt(n));
      assertEquals(25 * 0.5 / expected, mean[0], 6 * want);
    }
  }
}
