package io.trustfl.fairness;

import java.util.List;

/** A classifier's score for each text (e.g. the probability of one class), computed on the device. */
@FunctionalInterface
public interface ScoreFunction {
  /** One finite score per text, in order. */
  double[] scores(List<String> texts);
}
