package io.trustfl.fairness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Swaps identity terms in text for counterfactual probes and data augmentation (Garg et al. 2019; Zhao et al.
 * 2018's WinoBias lists). Immutable and thread-safe.
 *
 * <p>A word is a maximal run of letters or digits ({@link Character#isLetterOrDigit(int)}); everything else
 * (spaces, punctuation, apostrophes) is copied unchanged, so "He's" becomes "She's" and "(his)" becomes "(her)".
 * Words are matched case-insensitively and the replacement takes the word's case pattern: all upper case ("HE" →
 * "SHE"), capitalized ("He" → "She") or as in the list. When a word has two swaps in the lists (English "her" is
 * both "his" and "him"), the first listed wins. From the WinoBias files, a trailing period or apostrophe is dropped
 * ("mr." → "mrs." becomes mr → mrs) and a word with an inner apostrophe ("ma'am") cannot be matched as a key,
 * though it can be a replacement ("sir" → "ma'am").
 */
public final class GenderSwapper {
  /** WinoBias's main swap list (word TAB swap, one pair per line, both directions listed). */
  public static final String GENERALIZED_SWAPS = "generalized_swaps.txt";
  /** WinoBias's extra gendered words, same format. */
  public static final String EXTRA_GENDERED_WORDS = "extra_gendered_words.txt";

  private final Map<String, String> swaps;

  private GenderSwapper(Map<String, String> swaps) {
    this.swaps = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(swaps));
  }

  /**
   * Builds a swapper from explicit pairs; each pair is added in both directions unless a direction is taken.
   *
   * @throws IllegalArgumentException for an empty word or a word that is not a single run of letters or digits
   */
  public static GenderSwapper of(Map<String, String> pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    pairs.forEach((a, b) -> addPair(m, a, b, true));
    return new GenderSwapper(m);
  }

  /**
   * Reads WinoBias's {@code generalized_swaps.txt} and {@code extra_gendered_words.txt} from {@code dir} (fields
   * trimmed: some lines have stray spaces around the tab).
   *
   * @throws IllegalArgumentException if a file is missing or a line is malformed
   */
  public static GenderSwapper winoBias(Path dir) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String f : List.of(GENERALIZED_SWAPS, EXTRA_GENDERED_WORDS)) {
      Path p = dir.resolve(f);
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("WinoBias swap list " + p + " not found; point the data directory at"
            + " ../shared/data (it holds winobias/" + f + ")");
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + p, e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.trim().isEmpty()) {
          continue;
        }
        String[] parts = line.split("\t");
        if (parts.length != 2) {
          throw new IllegalArgumentException(p + " line " + (i + 1) + ": expected 'word<TAB>swap', got '" + line
              + "'");
        }
        String word = parts[0].trim();
        String swap = parts[1].trim();
        // "mr.<TAB>mrs." -> mr/mrs (the period stays in the text as punctuation); "seamstress'" -> seamstress
        while (!word.isEmpty() && (word.endsWith(".") || word.endsWith("'"))) {
          word = word.substring(0, word.length() - 1);
          if (swap.endsWith(".") || swap.endsWith("'")) {
            swap = swap.substring(0, swap.length() - 1);
          }
        }
        while (swap.endsWith("'")) {
          swap = swap.substring(0, swap.length() - 1);
        }
        if (!word.isEmpty() && word.codePoints().allMatch(Character::isLetterOrDigit)) {
          m.putIfAbsent(word.toLowerCase(Locale.ROOT), swap.toLowerCase(Locale.ROOT));
        }
        // a key with an inner apostrophe (ma'am) can never match a word run and is left out; "sir" -> "ma'am" stays
      }
    }
    return new GenderSwapper(m);
  }

  /** A swapper with this one's pairs plus {@code pairs} (both directions; existing entries win). */
  public GenderSwapper with(Map<String, String> pairs) {
    Map<String, String> m = new LinkedHashMap<>(swaps);
    pairs.forEach((a, b) -> addPair(m, a, b, true));
    return new GenderSwapper(m);
  }

  /** Number of words that have a swap. */
  public int size() {
    return swaps.size();
  }

  /** The counterfactual of {@code text}: every listed word replaced, everything else unchanged. */
  public String swap(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    int i = 0;
    int n = text.length();
    while (i < n) {
      int cp = text.codePointAt(i);
      if (!Character.isLetterOrDigit(cp)) {
        out.appendCodePoint(cp);
        i += Character.charCount(cp);
        continue;
      }
      int j = i;
      while (j < n && Character.isLetterOrDigit(text.codePointAt(j))) {
        j += Character.charCount(text.codePointAt(j));
      }
      String word = text.substring(i, j);
      String rep = swaps.get(word.toLowerCase(Locale.ROOT));
      out.append(rep == null ? word : matchCase(word, rep));
      i = j;
    }
    return out.toString();
  }

  /** True when {@link #swap(String)} changes {@code text}. */
  public boolean mentions(String text) {
    return !swap(text).equals(text);
  }

  private static String matchCase(String word, String rep) {
    boolean allUpper = word.codePoints().filter(Character::isLetter).allMatch(Character::isUpperCase)
        && word.codePoints().filter(Character::isLetter).count() > 1;
    if (allUpper) {
      return rep.toUpperCase(Locale.ROOT);
    }
    if (Character.isUpperCase(word.codePointAt(0))) {
      return rep.substring(0, 1).toUpperCase(Locale.ROOT) + rep.substring(1);
    }
    return rep;
  }

  private static void addPair(Map<String, String> m, String a, String b, boolean bothWays) {
    for (String w : List.of(a, b)) {
      if (w.isEmpty() || !w.codePoints().allMatch(Character::isLetterOrDigit)) {
        throw new IllegalArgumentException("swap words must be non-empty runs of letters or digits, got '" + w
            + "'");
      }
    }
    String la = a.toLowerCase(Locale.ROOT);
    String lb = b.toLowerCase(Locale.ROOT);
    m.putIfAbsent(la, lb);
    if (bothWays) {
      m.putIfAbsent(lb, la);
    }
  }
}
