package io.trustfl.sample;

import io.trustfl.fairness.ProbeMetrics;
import io.trustfl.train.Params;
import java.util.List;

/**
 * The sample's hook for on-device fairness probes, run after each federated round on the freshly trained local
 * model. A probe returns only aggregates ({@link ProbeMetrics}, from the SDK's {@code io.trustfl.fairness}); they are
 * shown in the app and uploaded with the update ({@link ProbeMetrics#asUpdateMetrics()}), never per-example scores.
 */
public interface FairnessProbe {
  /**
   * Evaluates the probe.
   *
   * @param model the on-device model (run with {@code weights})
   * @param weights the weights to probe
   * @param texts the device's stored example texts
   * @return the aggregate (with 0 examples and no values when no text is relevant)
   */
  ProbeMetrics evaluate(OnDeviceModel model, Params weights, List<String> texts);
}
