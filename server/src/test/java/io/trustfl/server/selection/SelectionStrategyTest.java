package io.trustfl.server.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SelectionStrategyTest {

  static List<Candidate> candidates(long... activity) {
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < activity.length; i++) {
      out.add(new Candidate("d" + i, activity[i]));
    }
    return out;
  }

  @Test
  void uniformProbabilitiesAreKOverN() {
    List<Candidate> c = candidates(new long[40]);
    UniformSelection s = new UniformSelection(SamplingScheme.FIXED_SIZE);
    for (double p : s.inclusionProbabilities(c, 10)) {
      assertEquals(0.25, p);
    }
    assertEquals(0.25, s.maxInclusionProbability(c, 10));
    assertEquals(1.0, s.maxInclusionProbability(c, 50), "more wanted than available: everyone");
    Selection sel = s.select(c, 10, new SplittableRandom(1));
    assertEquals(10, sel.selected().size());
    assertEquals(10, new HashSet<>(sel.selected()).size());
    assertEquals(0.25, sel.maxInclusionProbability());
    assertEquals(10.0, sel.expectedCount(), 1e-12);
    assertEquals(sel, s.select(c, 10, new SplittableRandom(1)), "seeded selection is reproducible");
  }

  @Test
  void activityProbabilitiesByHand() {
    // Activities 1, 1, 2, 96 and k = 2: the raw shares 2a/100 give 1.92 for the last device, capped at 1; the
    // remaining 1 is spread over 1, 1, 2 -> 0.25, 0.25, 0.5. A device with no examples gets 0.
    ActivityProportionalSelection s = new ActivityProportionalSelection(SamplingScheme.FIXED_SIZE);
    assertArrayEquals(new double[] {0.25, 0.25, 0.5, 1.0, 0.0},
        s.inclusionProbabilities(candidates(1, 1, 2, 96, 0), 2), 1e-12);
    assertEquals(1.0, s.maxInclusionProbability(candidates(1, 1, 2, 96, 0), 2));
    // Without capping: 10, 30, 60 and k = 1 -> 0.1, 0.3, 0.6.
    assertArrayEquals(new double[] {0.1, 0.3, 0.6}, s.inclusionProbabilities(candidates(10, 30, 60), 1), 1e-12);
    // More wanted than devices with data: all of those, no one else.
    assertArrayEquals(new double[] {1, 1, 0}, s.inclusionProbabilities(candidates(5, 7, 0), 3), 1e-12);
  }

  @Test
  void fixedSizeDrawsExactlyKWithTheStatedMarginals() {
    long[] activity = new long[30];
    for (int i = 0; i < activity.length; i++) {
      activity[i] = 1 + (i * 7) % 23;
    }
    List<Candidate> c = candidates(activity);
    for (SelectionStrategy s : List.of(new ActivityProportionalSelection(SamplingScheme.FIXED_SIZE),
        new UniformSelection(SamplingScheme.FIXED_SIZE))) {
      double[] pi = s.inclusionProbabilities(c, 6);
      int[] hits = new int[c.size()];
      SplittableRandom rng = new SplittableRandom(7);
      int draws = 20_000;
      for (int t = 0; t < draws; t++) {
        Selection sel = s.select(c, 6, rng);
        assertEquals(6, sel.selected().size());
        for (Candidate x : sel.selected()) {
          hits[Integer.parseInt(x.deviceId().substring(1))]++;
        }
      }
      for (int i = 0; i < c.size(); i++) {
        double se = Math.sqrt(pi[i] * (1 - pi[i]) / draws);
        assertEquals(pi[i], hits[i] / (double) draws, 5 * se + 1e-9, s.getClass().getSimpleName() + " device " + i);
      }
    }
  }

  @Test
  void poissonDrawsIndependentlyWithTheStatedMarginals() {
    List<Candidate> c = candidates(1, 2, 3, 4, 50, 0);
    ActivityProportionalSelection s = new ActivityProportionalSelection(SamplingScheme.POISSON);
    double[] pi = s.inclusionProbabilities(c, 2);
    int[] hits = new int[c.size()];
    long total = 0;
    SplittableRandom rng = new SplittableRandom(11);
    int draws = 20_000;
    for (int t = 0; t < draws; t++) {
      Selection sel = s.select(c, 2, rng);
      total += sel.selected().size();
      for (Candidate x : sel.selected()) {
        hits[Integer.parseInt(x.deviceId().substring(1))]++;
      }
    }
    for (int i = 0; i < c.size(); i++) {
      double se = Math.sqrt(pi[i] * (1 - pi[i]) / draws);
      assertEquals(pi[i], hits[i] / (double) draws, 5 * se + 1e-9, "device " + i);
    }
    assertEquals(2.0, total / (double) draws, 0.03);
    assertEquals(0, hits[5]);
  }

  @Test
  void overSelectionInflatesTheTargetAndSetsTheQuorum() {
    OverSelection s = new OverSelection(new UniformSelection(SamplingScheme.FIXED_SIZE), 0.2, 8);
    assertEquals(13, s.inflatedTarget(10)); // ceil(10 / 0.8) = ceil(12.5)
    assertEquals(20, new OverSelection(new UniformSelection(SamplingScheme.FIXED_SIZE), 0.5, 1).inflatedTarget(10));
    List<Candidate> c = candidates(new long[100]);
    Selection sel = s.select(c, 10, new SplittableRandom(3));
    assertEquals(13, sel.selected().size());
    assertEquals(0.13, sel.maxInclusionProbability(), 1e-12, "q is the inflated rate, not k/N");
    assertEquals(0.13, s.maxInclusionProbability(c, 10), 1e-12);
    assertEquals(8, sel.minimumQuorum());
    assertTrue(sel.quorumMet(8));
    assertFalse(sel.quorumMet(7));
    var e = assertThrows(IllegalArgumentException.class, () -> s.inflatedTarget(5));
    assertTrue(e.getMessage().startsWith("minimumQuorum 8 exceeds the target 5"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new OverSelection(new UniformSelection(SamplingScheme.POISSON), 1.0, 1));
  }

  @Test
  void invalidInputsAreRejected() {
    UniformSelection s = new UniformSelection(SamplingScheme.POISSON);
    assertThrows(IllegalArgumentException.class, () -> s.select(candidates(1, 2), 0, new SplittableRandom(1)));
    List<Candidate> dup = List.of(new Candidate("a", 1), new Candidate("a", 2));
    assertThrows(IllegalArgumentException.class, () -> s.select(dup, 1, new SplittableRandom(1)));
    var e = assertThrows(IllegalArgumentException.class, () -> new Candidate("x", -1));
    assertEquals("activity of device 'x' must be >= 0, got -1", e.getMessage());
    Selection empty = s.select(List.of(), 3, new SplittableRandom(1));
    assertTrue(empty.selected().isEmpty());
    assertEquals(0.0, empty.maxInclusionProbability());
  }
}
