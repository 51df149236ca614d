package io.trustfl.fairness;

import java.util.List;
import java.util.Map;

/**
 * Fairness probes that run on a device's local model and examples and return only {@link ProbeMetrics}. The
 * examples and per-example scores stay in the method's frame; the caller puts
 * {@link ProbeMetrics#asUpdateMetrics()} into its {@code ClientUpdate.metrics}.
 */
public final class DeviceProbes {
  /** Probe name of {@link #sensitivity}. */
  public static final String SENSITIVITY = "sensitivity";
  /** Probe name of {@link #counterfactual}. */
  public static final String COUNTERFACTUAL = "counterfactual";

  private DeviceProbes() {}

  /**
   * Counterfactual probe over the device's texts: metrics {@code gap} and {@code flip_rate} over the
   * {@code examples} texts that mention an identity term (0 examples and no metrics when none does).
   */
  public static ProbeMetrics counterfactual(ScoreFunction f, List<String> localTexts, GenderSwapper swapper,
      double threshold) {
    CounterfactualResult r = CounterfactualProbe.run(f, localTexts, swapper, threshold);
    if (r.pairs() == 0) {
      return ProbeMetrics.of(COUNTERFACTUAL, 0, Map.of());
    }
    return ProbeMetrics.of(COUNTERFACTUAL, r.pairs(), Map.of("gap", r.gap(), "flip_rate", r.flipRate()));
  }

  /**
   * Prediction-sensitivity probe over the device's embedded examples: metric {@code aps} (see
   * {@link PredictionSensitivity#accumulate}).
   */
  public static ProbeMetrics sensitivity(InputGradients task, io.trustfl.train.Params taskParams,
      InputGradients protectedModel, io.trustfl.train.Params protectedParams, int protectedClass,
      io.trustfl.train.DenseFeatures localFeatures) {
    if (localFeatures.rows() == 0) {
      return ProbeMetrics.of(SENSITIVITY, 0, Map.of());
    }
    PredictionSensitivity.Accumulated a = PredictionSensitivity.accumulate(task, taskParams, protectedModel,
        protectedParams, protectedClass, localFeatures);
    return ProbeMetrics.of(SENSITIVITY, a.examples(), Map.of("aps", a.aps()));
  }

  /**
   * The device-friendly prediction-sensitivity probe: metric {@code aps_predicted}, APS with v one-hot on the
   * predicted class (see {@link PredictionSensitivity#accumulatePredicted}), one gradient row per example.
   */
  public static ProbeMetrics sensitivityPredicted(InputGradients task, io.trustfl.train.Params taskParams,
      InputGradients protectedModel, io.trustfl.train.Params protectedParams, int protectedClass,
      io.trustfl.train.DenseFeatures localFeatures) {
    if (localFeatures.rows() == 0) {
      return ProbeMetrics.of(SENSITIVITY, 0, Map.of());
    }
    PredictionSensitivity.Accumulated a = PredictionSensitivity.accumulatePredicted(task, taskParams,
        protectedModel, protectedParams, protectedClass, localFeatures);
    return ProbeMetrics.of(SENSITIVITY, a.examples(), Map.of("aps_predicted", a.aps()));
  }
}
