package io.trustfl.fairness;

import io.trustfl.data.Example;
import java.util.ArrayList;
import java.util.List;

/**
 * Counterfactual mitigation: counterfactual data augmentation (Lu et al. 2020; Zhao et al. 2018) and the targets of
 * counterfactual role-reversal distillation adapted to classifiers (Gupta et al., Findings of ACL 2022). Stateless.
 */
public final class Mitigation {
  private Mitigation() {}

  /**
   * Counterfactual data augmentation: every example followed, when the swap changes its text, by its swapped copy
   * with the same label and user.
   */
  public static List<Example> augment(List<Example> examples, GenderSwapper swapper) {
    List<Example> out = new ArrayList<>(examples.size() * 2);
    for (Example e : examples) {
      out.add(e);
      String s = swapper.swap(e.text());
      if (!s.equals(e.text())) {
        out.add(new Example(s, e.label(), e.user()));
      }
    }
    return out;
  }

  /**
   * Role-reversal teacher target: (1 − α)·p_T(x) + α·p_T(x′), the teacher's distribution on an example mixed with
   * its distribution on the gender-swapped example; the student learns the same target on x and x′.
   *
   * @param teacher p_T(x), a probability vector
   * @param teacherSwapped p_T(x′), same length
   * @param alpha mixing weight in [0, 1] (0.5 makes the target symmetric in x and x′)
   */
  public static double[] roleReversalTarget(double[] teacher, double[] teacherSwapped, double alpha) {
    if (teacher.length != teacherSwapped.length) {
      throw new IllegalArgumentException("teacher distributions must have one length, got " + teacher.length
          + " and " + teacherSwapped.length);
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
    }
    double[] t = new double[teacher.length];
    for (int k = 0; k < t.length; k++) {
      t[k] = (1 - alpha) * teacher[k] + alpha * teacherSwapped[k];
    }
    return t;
  }

  /** Index of the largest value (first on ties). */
  public static int argmax(double[] v) {
    int best = 0;
    for (int k = 1; k < v.length; k++) {
      if (v[k] > v[best]) {
        best = k;
      }
    }
    return best;
  }
}
