package io.trustfl.sample;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** The sample's built-in swap list, against hand-written counterfactuals (plain JUnit, no Android). */
public class CounterfactualGapProbeTest {
  @Test
  public void swapsEveryGenderedTermKeepingCaseAndPunctuation() {
    assertEquals("She told his brother, \"Wake Mom!\"",
        CounterfactualGapProbe.SWAPPER.swap("He told her sister, \"Wake Dad!\""));
    assertEquals("wake my husband at 8", CounterfactualGapProbe.SWAPPER.swap("wake my wife at 8"));
    // "her" is both object and possessive; the sample maps it to "his" (WinoBias's convention).
    assertEquals("tell his good morning", CounterfactualGapProbe.SWAPPER.swap("tell her good morning"));
  }

  @Test
  public void textWithoutGenderedTermsIsUnchanged() {
    assertEquals("set an alarm for six", CounterfactualGapProbe.SWAPPER.swap("set an alarm for six"));
    // Substrings are not words: "mother" inside "smothered" stays.
    assertEquals("smothered in sauce", CounterfactualGapProbe.SWAPPER.swap("smothered in sauce"));
  }
}
