package io.trustfl.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trustfl fairness}: subcommands, JSON output of a small SEAT run, atomic --out, argument errors. */
class FairnessCommandTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = TrustflCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void listsItsSubcommands() {
    Run r = run("fairness", "--help");
    assertEquals(0, r.code());
    for (String s : new String[] {"seat", "probe", "hatexplain"}) {
      assertTrue(r.out().contains(s), r.out());
    }
  }

  @Test
  void seatOnWeat6PrintsJsonWithTheExactTest(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("seat.json");
    Run r = run("fairness", "seat", "--tests", "weat6", "--ceat-samples", "0", "--out", out.toString());
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
    Run r = run("fairness", "probe", "--data", "nope");
    assertTrue(r.code() != 0);
    assertTrue(r.err().contains("--data must be clinc150 or snips, got 'nope'"), r.err());
  }
}
