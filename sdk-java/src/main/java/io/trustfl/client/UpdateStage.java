package io.trustfl.client;

import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.ClipMath;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One client-side step applied to the model delta before upload (Flower's "client mods"): clipping, local noise,
 * quantization. A {@link UpdatePipeline} runs stages in order; a stage records what it measured in the metrics map
 * that goes into {@code ClientUpdate.metrics}.
 */
public interface UpdateStage {
  /** Short name, e.g. "clip". */
  String name();

  /**
   * Transforms {@code delta} in place.
   *
   * @param metrics scalar metrics the stage may add to (keys prefixed by nothing; documented per stage)
   */
  void apply(UpdateDelta delta, Map<String, Double> metrics);

  /**
   * Scales the whole delta by {@code min(1, C/‖Δ‖)} (update-level clipping, McMahan et al. 2018). Records
   * {@code delta_norm_before_clip}. A delta with a non-finite element is an error.
   *
   * @param clipNorm C, finite and &gt; 0
   */
  static UpdateStage clip(double clipNorm) {
    ClipMath.requireClipNorm(clipNorm);
    return new UpdateStage() {
      @Override
      public String name() {
        return "clip";
      }

      @Override
      public void apply(UpdateDelta delta, Map<String, Double> metrics) {
        double norm = delta.l2Norm();
        if (!Double.isFinite(norm)) {
          throw new IllegalStateException("the local delta is not finite (training diverged); nothing is sent");
        }
        metrics.put("delta_norm_before_clip", norm);
        double f = ClipMath.clipFactor(norm, clipNorm);
        if (f < 1) {
          for (int i = 0; i < delta.tensorCount(); i++) {
            float[] v = delta.values(i);
            for (int j = 0; j < v.length; j++) {
              v[j] = (float) (v[j] * f);
            }
          }
        }
      }
    };
  }

  /**
   * Adds {@code N(0, stddev²)} to every coordinate (local DP): standard normals of the kernel backend's ChaCha20
   * stream ({@code docs/NOISE.md}) with the given key and nonce at indexes 0 … D−1 in tensor order, added in double
   * and rounded to float once. Use a fresh {@link NoiseKey#random()} per update; the key never leaves the device.
   *
   * @param stddev the noise standard deviation (σ·C), finite and ≥ 0
   */
  static UpdateStage gaussianNoise(Kernels kernels, NoiseKey key, long nonce, double stddev) {
    Objects.requireNonNull(kernels, "kernels");
    Objects.requireNonNull(key, "key");
    if (!(stddev >= 0) || Double.isInfinite(stddev)) {
      throw new IllegalArgumentException("noise stddev must be finite and >= 0, got " + stddev);
    }
    return new UpdateStage() {
      @Override
      public String name() {
        return "gaussian_noise";
      }

      @Override
      public void apply(UpdateDelta delta, Map<String, Double> metrics) {
        double[] flat = new double[delta.dimension()];
        int off = 0;
        for (int i = 0; i < delta.tensorCount(); i++) {
          float[] v = delta.values(i);
          for (int j = 0; j < v.length; j++) {
            flat[off + j] = v[j];
          }
          off += v.length;
        }
        kernels.addGaussian(key, nonce, 0, stddev, DoubleBuffer.wrap(flat));
        off = 0;
        for (int i = 0; i < delta.tensorCount(); i++) {
          float[] v = delta.values(i);
          for (int j = 0; j < v.length; j++) {
            v[j] = (float) flat[off + j];
          }
          off += v.length;
        }
        metrics.put("local_noise_stddev", stddev);
      }
    };
  }

  /**
   * Unbiased stochastic quantization per tensor: with {@code lo = min}, {@code hi = max} of the tensor and step
   * {@code s = (hi − lo)/(2^bits − 1)}, an element {@code v} becomes level {@code ⌊(v − lo)/s⌋ + 1} with
   * probability equal to the fractional part of {@code (v − lo)/s}, else {@code ⌊(v − lo)/s⌋}, so its expected
   * decoded value is {@code v} (Alistarh et al. 2017, QSGD-style). The values in the delta are replaced by their
   * decoded values, so later stages and norms see what the server will see.
   *
   * @param bits 1 … 16
   * @param random source of the rounding decisions (not privacy-relevant: it acts after clipping and noise)
   */
  static UpdateStage stochasticQuantization(int bits, SplittableRandom random) {
    if (bits < 1 || bits > 16) {
      throw new IllegalArgumentException("quantization bits must be in [1, 16], got " + bits);
    }
    Objects.requireNonNull(random, "random");
    return new UpdateStage() {
      @Override
      public String name() {
        return "stochastic_quantization";
      }

      @Override
      public void apply(UpdateDelta delta, Map<String, Double> metrics) {
        int max = (1 << bits) - 1;
        for (int i = 0; i < delta.tensorCount(); i++) {
          float[] v = delta.values(i);
          double lo = Double.POSITIVE_INFINITY;
          double hi = Double.NEGATIVE_INFINITY;
          for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
          }
          if (v.length == 0) {
            lo = 0;
            hi = 0;
          }
          double step = (hi - lo) / max;
          int[] levels = new int[v.length];
          for (int j = 0; j < v.length; j++) {
            int q = 0;
            if (step > 0) {
              double t = (v[j] - lo) / step;
              q = (int) Math.floor(t);
              if (random.nextDouble() < t - q) {
                q++;
              }
              q = Math.max(0, Math.min(max, q));
            }
            levels[j] = q;
            v[j] = (float) (lo + q * step);
          }
          delta.setQuantized(i, new UpdateDelta.Quantized(levels, bits, lo, hi));
        }
        metrics.put("quantization_bits", (double) bits);
      }
    };
  }
}
