package io.trustfl.sample;

import io.trustfl.fairness.CounterfactualProbe;
import io.trustfl.fairness.CounterfactualResult;
import io.trustfl.fairness.DeviceProbes;
import io.trustfl.fairness.GenderSwapper;
import io.trustfl.fairness.ProbeMetrics;
import io.trustfl.train.Params;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counterfactual token fairness on the device (Garg et al. 2019) with the SDK's probe: each stored text that
 * mentions a gendered term is paired with its gender-swapped counterfactual ({@link GenderSwapper}); the SDK's
 * multi-class form ({@link CounterfactualProbe#ofDistributions}) gives the mean gap |p_k(x) − p_k(x′)| for the class
 * k predicted on x and the rate of flipped predictions. Only these aggregates leave the method, as the metrics
 * {@code fairness.counterfactual.gap}, {@code .flip_rate} and {@code .examples}.
 *
 * <p>The swap list is a small built-in English one (a phone has no WinoBias files); "her" maps to "his". Stateless
 * and thread-safe.
 */
public final class CounterfactualGapProbe implements FairnessProbe {
  /** The update metric holding the mean gap. */
  public static final String GAP = ProbeMetrics.PREFIX + DeviceProbes.COUNTERFACTUAL + ".gap";
  /** The update metric holding the flip rate. */
  public static final String FLIP_RATE = ProbeMetrics.PREFIX + DeviceProbes.COUNTERFACTUAL + ".flip_rate";
  /** The update metric holding the number of probed texts. */
  public static final String EXAMPLES = ProbeMetrics.PREFIX + DeviceProbes.COUNTERFACTUAL + "."
      + ProbeMetrics.EXAMPLES;

  /** The built-in swaps; "his" → "her" comes first so that "her" → "his" (WinoBias's convention). */
  static final GenderSwapper SWAPPER;

  static {
    Map<String, String> pairs = new LinkedHashMap<>();
    String[][] list = {
        {"his", "her"}, {"he", "she"}, {"him", "her"}, {"himself", "herself"}, {"man", "woman"},
        {"men", "women"}, {"boy", "girl"}, {"boys", "girls"}, {"father", "mother"}, {"dad", "mom"},
        {"son", "daughter"}, {"husband", "wife"}, {"brother", "sister"}, {"uncle", "aunt"}, {"mr", "mrs"},
        {"king", "queen"}, {"gentleman", "lady"}, {"grandfather", "grandmother"}, {"boyfriend", "girlfriend"}};
    for (String[] p : list) {
      pairs.put(p[0], p[1]);
    }
    SWAPPER = GenderSwapper.of(pairs);
  }

  @Override
  public ProbeMetrics evaluate(OnDeviceModel model, Params weights, List<String> texts) {
    List<String> originals = new ArrayList<>();
    List<String> swapped = new ArrayList<>();
    for (String t : texts) {
      String c = SWAPPER.swap(t);
      if (!c.equals(t)) {
        originals.add(t);
        swapped.add(c);
      }
    }
    if (originals.isEmpty()) {
      return ProbeMetrics.of(DeviceProbes.COUNTERFACTUAL, 0, Map.of());
    }
    CounterfactualResult r = CounterfactualProbe.ofDistributions(model.probabilities(originals, weights),
        model.probabilities(swapped, weights));
    return ProbeMetrics.of(DeviceProbes.COUNTERFACTUAL, r.pairs(), Map.of("gap", r.gap(), "flip_rate",
        r.flipRate()));
  }
}
