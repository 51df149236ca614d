package io.trustfl.server.fairness;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.trustfl.fairness.AssociationTests;
import io.trustfl.fairness.CeatResult;
import io.trustfl.fairness.WeatResult;
import io.trustfl.model.TextEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Runs the sent-bias SEAT/WEAT tests ({@code seat/tests/*.jsonl}: one JSON object with {@code targ1}, {@code targ2},
 * {@code attr1}, {@code attr2}, each {@code {category, examples}}) on a sentence encoder, and a CEAT-style
 * random-effects variant for the {@code sent-weat*} tests: each word of the matching word-level test gets as its
 * contexts the SEAT template sentences that contain it (CEAT's Reddit contexts are not available here).
 */
public final class SeatSuite {
  /** Sets of one test, in file order targ1, targ2, attr1, attr2. */
  public record TestSets(String name, List<String> categories, List<List<String>> sets) {}

  /** One test's outcome. */
  public record Row(String test, List<String> categories, List<Integer> sizes, double effectSize, double pValue,
      boolean exact, long partitions, CeatResult ceat) {}

  private SeatSuite() {}

  /** Reads every {@code *.jsonl} test in {@code testsDir}, sorted by name. */
  public static List<TestSets> load(Path testsDir) {
    if (!Files.isDirectory(testsDir)) {
      throw new IllegalArgumentException("SEAT tests directory " + testsDir + " not found; it is"
          + " ../shared/data/seat/tests");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(testsDir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<TestSets> out = new ArrayList<>();
    for (Path f : files) {
      out.add(read(f));
    }
    return out;
  }

  static TestSets read(Path f) {
    JsonObject o;
    try {
      o = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cats = new ArrayList<>();
    List<List<String>> sets = new ArrayList<>();
    for (String k : List.of("targ1", "targ2", "attr1", "attr2")) {
      if (!o.has(k)) {
        throw new IllegalArgumentException(f + ": missing '" + k + "'");
      }
      JsonObject s = o.getAsJsonObject(k);
      cats.add(s.get("category").getAsString());
      List<String> ex = new ArrayList<>();
      s.getAsJsonArray("examples").forEach(e -> ex.add(e.getAsString()));
      sets.add(ex);
    }
    String name = f.getFileName().toString().replace(".jsonl", "");
    return new TestSets(name, cats, sets);
  }

  /**
   * Runs all tests.
   *
   * @param ceatSamples CEAT samples per sent-weat test (0 = no CEAT)
   */
  public static List<Row> run(List<TestSets> tests, TextEncoder encoder, long partitions, long seed,
      int ceatSamples) {
    List<Row> rows = new ArrayList<>();
    for (TestSets t : tests) {
      List<List<float[]>> emb = new ArrayList<>();
      for (List<String> set : t.sets()) {
        emb.add(Arrays.asList(encoder.encodeAll(set)));
      }
      WeatResult r = AssociationTests.weat(emb.get(0), emb.get(1), emb.get(2), emb.get(3), partitions, seed);
      CeatResult ceat = null;
      if (ceatSamples > 0 && t.name().startsWith("sent-weat")) {
        TestSets words = tests.stream().filter(w -> w.name().equals(t.name().substring(5))).findFirst()
            .orElse(null);
        if (words != null) {
          ceat = ceat(words, t, encoder, ceatSamples, seed);
        }
      }
      rows.add(new Row(t.name(), t.categories(), t.sets().stream().map(List::size).toList(), r.effectSize(),
          r.pValue(), r.exact(), r.partitions(), ceat));
    }
    return rows;
  }

  private static CeatResult ceat(TestSets words, TestSets sentences, TextEncoder encoder, int samples, long seed) {
    List<List<List<float[]>>> sets = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      List<String> sent = sentences.sets().get(s);
      float[][] e = encoder.encodeAll(sent);
      List<List<float[]>> perWord = new ArrayList<>();
      for (String w : words.sets().get(s)) {
        List<float[]> ctx = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
          if (containsWord(sent.get(i), w)) {
            ctx.add(e[i]);
          }
        }
        if (!ctx.isEmpty()) {
          perWord.add(ctx);
        }
      }
      if (perWord.size() < 2) {
        return null;
      }
      sets.add(perWord);
    }
    return AssociationTests.ceat(sets.get(0), sets.get(1), sets.get(2), sets.get(3), samples, seed);
  }

  static boolean containsWord(String sentence, String word) {
    String w = word.toLowerCase(Locale.ROOT);
    for (String tok : sentence.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}'-]+")) {
      if (tok.equals(w)) {
        return true;
      }
    }
    return false;
  }
}
