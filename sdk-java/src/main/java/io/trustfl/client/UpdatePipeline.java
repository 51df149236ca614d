package io.trustfl.client;

import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.NoiseKey;
import io.trustfl.proto.DpMode;
import io.trustfl.proto.TaskPlan;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An ordered list of {@link UpdateStage}s applied to the delta before upload. {@link #forPlan} builds the standard
 * one from a task plan: clip to {@code clip_norm}; add local Gaussian noise {@code N(0, (local_noise_multiplier ·
 * clip_norm)²)} under {@code DP_LOCAL} and {@code DP_DISTRIBUTED}; quantize stochastically when
 * {@code quantize_bits > 0}.
 *
 * @param stages the stages, in order
 */
public record UpdatePipeline(List<UpdateStage> stages) {
  /** Copies the list. */
  public UpdatePipeline {
    stages = List.copyOf(stages);
  }

  /**
   * The standard pipeline for {@code plan}.
   *
   * @param kernels backend drawing the local noise
   * @throws IllegalArgumentException if the plan asks for local noise without a clip norm or with an invalid
   *     multiplier, or for quantization outside 1 … 16 bits
   */
  public static UpdatePipeline forPlan(TaskPlan plan, Kernels kernels) {
    Objects.requireNonNull(plan, "plan");
    List<UpdateStage> stages = new ArrayList<>();
    double clip = plan.getClipNorm();
    if (!(clip >= 0) || Double.isInfinite(clip)) {
      throw new IllegalArgumentException("plan clip_norm must be finite and >= 0, got " + clip);
    }
    boolean noise = plan.getDpMode() == DpMode.DP_LOCAL || plan.getDpMode() == DpMode.DP_DISTRIBUTED;
    if (clip > 0) {
      stages.add(UpdateStage.clip(clip));
    } else if (noise || plan.getDpMode() == DpMode.DP_CENTRAL) {
      throw new IllegalArgumentException("plan dp_mode " + plan.getDpMode() + " needs clip_norm > 0 (the noise is"
          + " calibrated to the clipped update's sensitivity), got " + clip);
    }
    if (noise) {
      double sigma = plan.getLocalNoiseMultiplier();
      if (!(sigma > 0) || Double.isInfinite(sigma)) {
        throw new IllegalArgumentException("plan dp_mode " + plan.getDpMode() + " needs local_noise_multiplier"
            + " finite and > 0, got " + sigma);
      }
      stages.add(UpdateStage.gaussianNoise(kernels, NoiseKey.random(), plan.getRound(), sigma * clip));
    }
    int bits = plan.getQuantizeBits();
    if (bits != 0) {
      stages.add(UpdateStage.stochasticQuantization(bits, new SplittableRandom(new SecureRandom().nextLong())));
    }
    return new UpdatePipeline(stages);
  }

  /** Runs every stage in order on {@code delta}, recording metrics. */
  public void apply(UpdateDelta delta, Map<String, Double> metrics) {
    for (UpdateStage s : stages) {
      s.apply(delta, metrics);
    }
  }
}
