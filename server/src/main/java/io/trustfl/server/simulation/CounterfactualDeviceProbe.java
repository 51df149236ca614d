package io.trustfl.server.simulation;

import io.trustfl.client.ClientModel;
import io.trustfl.client.ExampleStore;
import io.trustfl.client.FederatedClient;
import io.trustfl.client.StoredExample;
import io.trustfl.fairness.CounterfactualProbe;
import io.trustfl.fairness.CounterfactualResult;
import io.trustfl.fairness.DeviceProbes;
import io.trustfl.fairness.GenderSwapper;
import io.trustfl.fairness.ProbeMetrics;
import io.trustfl.model.HashingFeaturizer;
import io.trustfl.train.Batch;
import io.trustfl.train.Params;
import io.trustfl.train.StepModel;
import io.trustfl.train.TextFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The simulated devices' {@code counterfactual} probe for the hashed bag-of-n-grams intent model: the device's
 * training texts that mention a gendered term are scored by the locally trained model next to their gender-swapped
 * counterparts ({@link GenderSwapper}), and only the multi-class gap and flip rate
 * ({@link CounterfactualProbe#ofDistributions}: |p_k(x) − p_k(x′)| for the class k predicted on x; a flip is a
 * different argmax on x′) and the number of pairs leave the method. A device with no such text reports 0 examples
 * and no metric. Not thread-safe (the step model is the simulator's, used on one thread).
 */
final class CounterfactualDeviceProbe implements FederatedClient.LocalProbe {
  private final GenderSwapper swapper;
  private final HashingFeaturizer featurizer;

  CounterfactualDeviceProbe(GenderSwapper swapper, HashingFeaturizer featurizer) {
    this.swapper = Objects.requireNonNull(swapper, "swapper");
    this.featurizer = Objects.requireNonNull(featurizer, "featurizer");
  }

  @Override
  public ProbeMetrics run(ClientModel model, Params trained, List<StoredExample> examples, ExampleStore store) {
    List<String> xs = new ArrayList<>();
    List<String> swapped = new ArrayList<>();
    for (StoredExample e : examples) {
      String s = swapper.swap(e.text());
      if (!s.equals(e.text())) {
        xs.add(e.text());
        swapped.add(s);
      }
    }
    if (xs.isEmpty()) {
      return ProbeMetrics.of(DeviceProbes.COUNTERFACTUAL, 0, Map.of());
    }
    StepModel step = model.stepModel();
    CounterfactualResult r = CounterfactualProbe.ofDistributions(probabilities(step, trained, xs),
        probabilities(step, trained, swapped));
    return ProbeMetrics.of(DeviceProbes.COUNTERFACTUAL, r.pairs(), Map.of("gap", r.gap(), "flip_rate",
        r.flipRate()));
  }

  private double[][] probabilities(StepModel step, Params params, List<String> texts) {
    int n = texts.size();
    int c = step.numClasses();
    float[] logits = step.logits(new Batch(TextFeatures.hash(featurizer, texts), new int[n]), params);
    double[][] p = new double[n][c];
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < c; k++) {
        max = Math.max(max, logits[i * c + k]);
      }
      double sum = 0;
      for (int k = 0; k < c; k++) {
        p[i][k] = Math.exp(logits[i * c + k] - max);
        sum += p[i][k];
      }
      for (int k = 0; k < c; k++) {
        p[i][k] /= sum;
      }
    }
    return p;
  }
}
