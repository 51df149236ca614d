package io.trustfl.server.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.data.DataDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Data rules of the experiments: SEAT files, context matching, gender labels, HateXplain majority/targets. */
class FairnessHelpersTest {
  static Path data() {
    Path d = DataDirectory.resolve(null);
    assertTrue(Files.isDirectory(d.resolve("seat")), "shared data not found at " + d
        + "; set TRUSTFL_DATA_DIR to ../shared/data");
    return d;
  }

  @Test
  void seatSuiteReadsAll46Tests() {
    List<SeatSuite.TestSets> t = SeatSuite.load(data().resolve("seat").resolve("tests"));
    assertEquals(46, t.size());
    SeatSuite.TestSets w6 = t.stream().filter(x -> x.name().equals("weat6")).findFirst().orElseThrow();
    assertEquals(List.of("MaleNames", "FemaleNames", "Career", "Family"), w6.categories());
    assertEquals("John", w6.sets().get(0).get(0));
  }

  @Test
  void contextMatchingIsByWholeWord() {
    assertTrue(SeatSuite.containsWord("This is a rose.", "rose"));
    assertFalse(SeatSuite.containsWord("These are roses.", "rose"));
    assertTrue(SeatSuite.containsWord("Einstein is here.", "einstein"));
  }

  @Test
  void genderLabelsFromWords() {
    Set<String> male = Set.of("he", "husband");
    Set<String> female = Set.of("she", "wife");
    assertEquals(1, GenderProbeExperiment.gender("Did my husband call?", male, female));
    assertEquals(0, GenderProbeExperiment.gender("She booked it", male, female));
    assertEquals(-1, GenderProbeExperiment.gender("he and she", male, female));
    assertEquals(-1, GenderProbeExperiment.gender("book a table", male, female));
  }

  @Test
  void hateXplainFollowsTheMajorityAndTwoOfThreeRules() {
    HateXplain.Splits s = HateXplain.load(data().resolve("hatexplain"), 10);
    assertEquals(1924, s.test().size());
    assertEquals(15383, s.train().size());
    assertEquals(10, s.topCommunities().size());
    assertTrue(s.topCommunities().containsAll(List.of("African", "Islam", "Jewish", "Women", "Homosexual")),
        s.topCommunities().toString());
    // first post of dataset.json: 3 x normal, targets None -> non-toxic, no community
    HateXplain.Post p = s.train().stream().filter(x -> x.id().equals("1179055004553900032_twitter")).findFirst()
        .orElseGet(() -> s.test().stream().filter(x -> x.id().equals("1179055004553900032_twitter")).findFirst()
            .orElseGet(() -> s.val().stream().filter(x -> x.id().equals("1179055004553900032_twitter"))
                .findFirst().orElseThrow()));
    assertFalse(p.toxic());
    assertTrue(p.targets().isEmpty());
    // third post: normal, normal, hatespeech; African chosen by 2 of 3 -> non-toxic, targets African
    HateXplain.Post q = List.of(s.train(), s.val(), s.test()).stream().flatMap(List::stream)
        .filter(x -> x.id().equals("1178793830532956161_twitter")).findFirst().orElseThrow();
    assertFalse(q.toxic());
    assertEquals(Set.of("African"), q.targets());
  }
}
