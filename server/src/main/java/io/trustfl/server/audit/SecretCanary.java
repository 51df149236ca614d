package io.trustfl.server.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A secret-bearing utterance planted in training data (Carlini et al. 2019, "The Secret Sharer"): a known template
 * prefix followed by a secret of {@code digits} decimal digits written as separate tokens ("my pin code is 4 8 1 5"),
 * with a known label. The candidate space R is all 10<sup>digits</sup> codes.
 *
 * @param prefix the template text before the secret (known to the attacker)
 * @param code the secret, one value in 0&hellip;9 per position
 * @param label the intent label the canary is trained with (known to the attacker)
 */
public record SecretCanary(String prefix, int[] code, String label) {
  /** Validates and copies. */
  public SecretCanary {
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException("prefix must be non-blank, got '" + prefix + "'");
    }
    if (code.length < 1 || code.length > 9) {
      throw new IllegalArgumentException("code must have 1..9 digits, got " + code.length);
    }
    for (int d : code) {
      if (d < 0 || d > 9) {
        throw new IllegalArgumentException("code digits must be in 0..9, got " + d);
      }
    }
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("label must be non-blank");
    }
    code = code.clone();
  }

  /** The code as digits. */
  @Override
  public int[] code() {
    return code.clone();
  }

  /** The number of candidate secrets |R| = 10<sup>digits</sup>. */
  public long candidates() {
    return (long) Math.pow(10, code.length);
  }

  /** The utterance with this canary's code. */
  public String text() {
    return textWith(code);
  }

  /** The utterance with another code of the same length. */
  public String textWith(int[] candidate) {
    if (candidate.length != code.length) {
      throw new IllegalArgumentException("candidate must have " + code.length + " digits, got " + candidate.length);
    }
    StringBuilder sb = new StringBuilder(prefix);
    for (int d : candidate) {
      sb.append(' ').append(d);
    }
    return sb.toString();
  }

  /** The i-th candidate code in lexicographic order (0 &le; i &lt; {@link #candidates()}). */
  public int[] candidate(long index) {
    int[] c = new int[code.length];
    for (int p = code.length - 1; p >= 0; p--) {
      c[p] = (int) (index % 10);
      index /= 10;
    }
    return c;
  }

  /** The code as a string of digits, e.g. "4815". */
  public String codeString() {
    StringBuilder sb = new StringBuilder();
    for (int d : code) {
      sb.append(d);
    }
    return sb.toString();
  }

  /**
   * {@code count} canaries with random codes and labels drawn without replacement from {@code labels} (so each
   * canary's digits are what tells its label apart from the shared prefix).
   */
  public static List<SecretCanary> random(int count, String prefix, int digits, List<String> labels, Random rnd) {
    if (count < 0 || count > labels.size()) {
      throw new IllegalArgumentException("count must be in [0, labels=" + labels.size() + "], got " + count);
    }
    List<String> pool = new ArrayList<>(labels);
    java.util.Collections.shuffle(pool, rnd);
    List<SecretCanary> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] code = new int[digits];
      for (int p = 0; p < digits; p++) {
        code[p] = rnd.nextInt(10);
      }
      out.add(new SecretCanary(prefix, code, pool.get(i)));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretCanary c && prefix.equals(c.prefix) && java.util.Arrays.equals(code, c.code)
        && label.equals(c.label);
  }

  @Override
  public int hashCode() {
    return prefix.hashCode() * 31 + java.util.Arrays.hashCode(code) + label.hashCode();
  }

  @Override
  public String toString() {
    return "SecretCanary[" + text() + " -> " + label + "]";
  }
}
