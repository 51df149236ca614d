package io.trustfl.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.data.DataDirectory;
import io.trustfl.data.Example;
import io.trustfl.privacy.NoiseKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Identity swaps, counterfactual gap and flip rate, on-device probe output, mitigation helpers. */
class CounterfactualTest {
  static final GenderSwapper SMALL = GenderSwapper.of(Map.of("he", "she", "his", "her", "john", "mary"));

  static Path winoBias() {
    Path dir = DataDirectory.resolve(null).resolve("winobias");
    assertTrue(Files.isDirectory(dir), "WinoBias lists not found at " + dir + "; set TRUSTFL_DATA_DIR to"
        + " ../shared/data");
    return dir;
  }

  @Test
  void swapsRespectCaseAndPunctuation() {
    assertEquals("She said: \"her car is SHE's!\" (Mary)", SMALL.swap("He said: \"his car is HE's!\" (John)"));
    assertEquals("nothing here, theme", SMALL.swap("nothing here, theme"), "words are whole runs, 'the' != 'he'");
    assertTrue(SMALL.mentions("ask John"));
    assertFalse(SMALL.mentions("ask Bob"));
  }

  @Test
  void winoBiasListsLoadAndSwapBothWays() {
    GenderSwapper g = GenderSwapper.winoBias(winoBias());
    assertTrue(g.size() > 150, "pairs: " + g.size());
    assertEquals("The actress thanked her husband.", g.swap("The actor thanked his wife."));
    assertEquals("Actors", g.swap("Actresses"));
    assertEquals("COWGIRL", g.swap("COWBOY"));
    assertEquals("Mrs. Smith", g.swap("Mr. Smith"));
    assertEquals("Yes ma'am.", g.swap("Yes sir."), "a swap may produce an apostrophe");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GenderSwapper.winoBias(Path.of("/nonexistent")));
    assertTrue(e.getMessage().contains("generalized_swaps.txt"), e.getMessage());
  }

  @Test
  void gapAndFlipRateHandCase() {
    // |0.9-0.4| + |0.3-0.3| + |0.6-0.45| = 0.65 -> 0.65/3; flips at 0.5: pair 1 and pair 3 -> 2/3
    CounterfactualResult r = CounterfactualProbe.of(new double[] {0.9, 0.3, 0.6}, new double[] {0.4, 0.3, 0.45},
        0.5);
    assertEquals(0.65 / 3, r.gap(), 1e-15);
    assertEquals(2.0 / 3, r.flipRate(), 1e-15);
    assertEquals(3, r.pairs());
  }

  @Test
  void multiClassGapAndFlips() {
    // pair 1: argmax 0, |0.7 - 0.3| = 0.4, flips to class 1; pair 2: argmax 2, |0.5 - 0.5| = 0, no flip
    CounterfactualResult r = CounterfactualProbe.ofDistributions(
        new double[][] {{0.7, 0.2, 0.1}, {0.2, 0.3, 0.5}}, new double[][] {{0.3, 0.6, 0.1}, {0.25, 0.25, 0.5}});
    assertEquals(0.2, r.gap(), 1e-15);
    assertEquals(0.5, r.flipRate(), 1e-15);
  }

  @Test
  void classifierIgnoringIdentityTermsHasZeroGap() {
    GenderSwapper g = GenderSwapper.winoBias(winoBias());
    // scores from the text with every swappable word masked: blind to identity terms by construction
    ScoreFunction blind = texts -> texts.stream().mapToDouble(t -> {
      StringBuilder masked = new StringBuilder();
      for (String w : t.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
        masked.append(g.mentions(w) ? "_" : w).append(' ');
      }
      return (masked.toString().hashCode() & 0xffff) / 65535.0;
    }).toArray();
    List<String> texts = List.of("He is a nurse.", "My wife booked the flight", "her brother called", "no one");
    CounterfactualResult r = CounterfactualProbe.run(blind, texts, g, 0.5);
    assertEquals(3, r.pairs());
    assertEquals(0.0, r.gap());
    assertEquals(0.0, r.flipRate());
    // a classifier that reads "he" is not blind
    ScoreFunction biased = texts2 -> texts2.stream().mapToDouble(t -> t.startsWith("He ") ? 0.9 : 0.1).toArray();
    assertEquals(0.8 / 3, CounterfactualProbe.run(biased, texts, g, 0.5).gap(), 1e-15);
  }

  @Test
  void deviceProbeShipsOnlyAggregates() {
    List<String> local = new ArrayList<>(List.of("he paid my bill", "his flight to Paris", "weather today"));
    ScoreFunction f = texts -> texts.stream().mapToDouble(t -> t.contains("he") ? 0.7 : 0.2).toArray();
    ProbeMetrics m = DeviceProbes.counterfactual(f, local, SMALL, 0.5);
    Map<String, Double> wire = m.asUpdateMetrics();
    assertEquals(java.util.Set.of("fairness.counterfactual.examples", "fairness.counterfactual.gap",
        "fairness.counterfactual.flip_rate"), wire.keySet());
    assertEquals(2.0, wire.get("fairness.counterfactual.examples"));
    for (Map.Entry<String, Double> e : wire.entrySet()) {
      for (String t : local) {
        assertFalse(e.getKey().contains(t.split(" ")[0] + " "), "a key carries text: " + e.getKey());
      }
      assertTrue(e.getKey().matches("fairness\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*"), e.getKey());
    }
    // "he paid" -> "she paid": both contain "he", |0.7 - 0.7| = 0; "his flight" -> "her flight": "her" contains
    // "he", |0.2 - 0.7| = 0.5; mean 0.25; flips at 0.5: the second pair -> 1/2
    assertEquals(0.25, wire.get("fairness.counterfactual.gap"), 1e-15);
    assertEquals(0.5, wire.get("fairness.counterfactual.flip_rate"), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> ProbeMetrics.of("cf", 1, Map.of("he paid my bill", 1.0)));
    assertThrows(IllegalArgumentException.class, () -> ProbeMetrics.of("cf", 1, Map.of("gap", Double.NaN)));
    assertThrows(IllegalArgumentException.class, () -> ProbeMetrics.of("cf", 1, Map.of("examples", 1.0)));
  }

  @Test
  void noisedMetricsKeepKeysAndCountAndAreSeeded() {
    ProbeMetrics m = ProbeMetrics.of("cf", 10, Map.of("gap", 0.2, "flip_rate", 0.1));
    NoiseKey key = NoiseKey.insecureFixedKeyForTesting(new byte[32]);
    ProbeMetrics n = m.noised(key, 3, 0.05);
    assertEquals(m.asUpdateMetrics().keySet(), n.asUpdateMetrics().keySet());
    assertEquals(10, n.examples());
    assertTrue(n.values().get("gap") != 0.2);
    assertEquals(n.values(), m.noised(key, 3, 0.05).values());
    assertEquals(m.values(), m.noised(key, 3, 0).values());
  }

  @Test
  void serverAggregationWeightsByExamples() {
    Map<String, Double> c1 = Map.of("fairness.cf.examples", 2.0, "fairness.cf.gap", 0.1, "train_loss", 3.0);
    Map<String, Double> c2 = Map.of("fairness.cf.examples", 6.0, "fairness.cf.gap", 0.5);
    Map<String, Double> c3 = Map.of("fairness.cf.examples", 0.0, "train_loss", 1.0);
    Map<String, Double> agg = ProbeAggregation.aggregate(List.of(c1, c2, c3));
    // (2*0.1 + 6*0.5)/8 = 0.4
    assertEquals(Map.of("fairness.cf.examples", 8.0, "fairness.cf.gap", 0.4, "fairness.cf.clients", 2.0), agg);
  }

  @Test
  void augmentationAndRoleReversalTargets() {
    List<Example> out = Mitigation.augment(List.of(new Example("he is late", "late"), new Example("rain", "w")),
        SMALL);
    assertEquals(List.of(new Example("he is late", "late"), new Example("she is late", "late"),
        new Example("rain", "w")), out);
    double[] t = Mitigation.roleReversalTarget(new double[] {0.8, 0.2}, new double[] {0.4, 0.6}, 0.5);
    assertEquals(0.6, t[0], 1e-15);
    assertEquals(0.4, t[1], 1e-15);
    assertEquals(0, Mitigation.argmax(t));
    assertThrows(IllegalArgumentException.class,
        () -> Mitigation.roleReversalTarget(new double[] {1}, new double[] {1}, 1.5));
  }
}
