package io.trustfl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.NoiseKey;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The noise the trainer adds: N(0, (σC)²) per coordinate of the clipped sum, then divided by qN. */
@Tag("statistical")
class DpNoiseStatisticalTest {
  private static final NoiseKey KEY = NoiseKey.insecureFixedKeyForTesting(new byte[32]);

  @Test
  void noiseOnAZeroSumHasStdSigmaCOverExpectedBatch() {
    Trainer t = new Trainer(new RecordingKernels(false));
    int d = 120_000;
    double sigma = 1.3;
    double clip = 0.5;
    double expected = 40;
    double[][] out = t.noisedMean(new double[][] {new double[70_000], new double[50_000]}, NoiseKey.random(), 3,
        sigma, clip, expected);
    double sum = 0;
    double sumSq = 0;
    for (double[] tensor : out) {
      for (double v : tensor) {
        sum += v;
        sumSq += v * v;
      }
    }
    double mean = sum / d;
    double std = Math.sqrt(sumSq / d - mean * mean);
    double target = sigma * clip / expected;
    // Standard error of the sample std is target/√(2d) ≈ 0.2% of target: allow 1.5% (7 standard errors).
    assertEquals(target, std, 0.015 * target, "noise std");
    assertEquals(0, mean, 6 * target / Math.sqrt(d), "noise mean");
  }

  @Test
  void noiseIsTheChaChaStreamAtIndexesZeroToDInParameterOrder() {
    Trainer t = new Trainer(new RecordingKernels(false));
    double[][] sum = {{1.0, -2.0, 0.5}, {4.0, 0.0}};
    double[][] out = t.noisedMean(sum, KEY, 9, 2.0, 0.25, 8);
    double[] z = new double[5];
    ChaChaGaussian.normals(KEY, 9, 0, z, 0, 5);
    double[] flat = {1.0, -2.0, 0.5, 4.0, 0.0};
    int k = 0;
    for (double[] tensor : out) {
      for (double v : tensor) {
        assertEquals((flat[k] + 0.5 * z[k]) / 8, v, 1e-15, "coordinate " + k);
        k++;
      }
    }
  }

  @Test
  void differentStepsGetIndependentNoise() {
    Trainer t = new Trainer(new RecordingKernels(false));
    int d = 50_000;
    double[] a = t.noisedMean(new double[][] {new double[d]}, KEY, 0, 1, 1, 1)[0];
    double[] b = t.noisedMean(new double[][] {new double[d]}, KEY, 1, 1, 1, 1)[0];
    double dot = 0;
    for (int i = 0; i < d; i++) {
      dot += a[i] * b[i];
    }
    // Correlation of independent standard normals: sd 1/√d ≈ 0.0045.
    assertTrue(Math.abs(dot / d) < 6 / Math.sqrt(d), "correlation " + dot / d);
  }
}
