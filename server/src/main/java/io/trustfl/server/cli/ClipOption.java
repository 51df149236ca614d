package io.trustfl.server.cli;

import java.util.Locale;

/**
 * The {@code --clip} option shared by {@code simulate} and {@code audit federated}: {@code adaptive}, {@code none}
 * or a finite clip norm &gt; 0.
 *
 * @param adaptive {@code adaptive} was asked for
 * @param norm the fixed clip norm, {@code +Infinity} for {@code adaptive} and {@code none}
 */
record ClipOption(boolean adaptive, double norm) {

  /**
   * Parses the option value.
   *
   * @param clip the value as given
   * @param centralDp whether the run uses central DP, which cannot go without clipping
   * @param dpName how the error message names that DP setting (e.g. {@code --dp central})
   * @return the parsed choice
   * @throws IllegalArgumentException naming the option, the value and what is allowed
   */
  static ClipOption parse(String clip, boolean centralDp, String dpName) {
    String cl = clip.toLowerCase(Locale.ROOT);
    if (cl.equals("adaptive")) {
      return new ClipOption(true, Double.POSITIVE_INFINITY);
    }
    if (cl.equals("none")) {
      if (centralDp) {
        throw new IllegalArgumentException("--clip none is impossible with " + dpName + ": without clipping one"
            + " user's influence is unbounded and no noise covers it; use adaptive or a number");
      }
      return new ClipOption(false, Double.POSITIVE_INFINITY);
    }
    double norm;
    try {
      norm = Double.parseDouble(cl);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--clip must be adaptive, none or a number > 0, got '" + clip + "'");
    }
    if (!(norm > 0) || Double.isInfinite(norm)) {
      throw new IllegalArgumentException("--clip must be a finite number > 0, got " + clip);
    }
    return new ClipOption(false, norm);
  }
}
