package io.trustfl.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trustfl fairness}: subcommands, JSON output of a small SEAT run, atomic --out, argument errors. */
class FairnessCommandTest {
  @Test
  void listsItsSubcommands() {
    CliRun r = CliRun.of("fairness", "--help");
    assertEquals(0, r.code());
    for (String s : new String[] {"seat", "probe", "hatexplain"}) {
      assertTrue(r.out().contains(s), r.out());
    }
  }

  @Test
  void seatOnWeat6PrintsJsonWithTheExactTest(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("seat.json");
    CliRun r = CliRun.of("fairness", "seat", "--tests", "weat6", "--ceat-samples", "0", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
    JsonArray tests = json.getAsJsonArray("tests");
    assertEquals(1, tests.size());
    JsonObject t = tests.get(0).getAsJsonObject();
    assertEquals("weat6", t.get("test").getAsString());
    assertTrue(t.get("exact").getAsBoolean());
    assertEquals(12870, t.get("partitions").getAsLong()); // C(16, 8) re-partitions of 8 + 8 names
    double p = t.get("p_value").getAsDouble();
    assertEquals(0, Math.round(p * 12870) - p * 12870, 1e-6, "p is a count over 12870 partitions");
    assertEquals(r.out().trim(), Files.readString(out).trim());
  }

  @Test
  void rejectsAnUnknownDataSet() {
    CliRun r = CliRun.of("fairness", "probe", "--data", "nope");
    assertTrue(r.code() != 0);
    assertTrue(r.err().contains("--data must be clinc150 or snips, got 'nope'"), r.err());
  }
}
