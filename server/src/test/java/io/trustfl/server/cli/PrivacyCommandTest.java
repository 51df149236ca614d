package io.trustfl.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** {@code trustfl privacy}: output, JSON, exit codes and one-line errors. */
class PrivacyCommandTest {
  @Test
  void epsilonReferenceVector() {
    CliRun r = CliRun.of("privacy", "epsilon", "--sampling-rate", "0.04", "--noise-multiplier", "1.5", "--steps",
        "2250", "--delta", "1e-5");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("epsilon = 7.329111171"), r.out());
    assertTrue(r.out().contains("orders: opacus, best order: 3.9"), r.out());
  }

  @Test
  void epsilonJson() {
    CliRun r = CliRun.of("privacy", "epsilon", "--sampling-rate", "0.0025", "--noise-multiplier", "1.3", "--steps",
        "6000", "--delta", "1e-5", "--orders", "tf-privacy", "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(0.7242234026109595, o.get("epsilon").getAsDouble(), 1e-8);
    assertEquals(19, o.get("bestOrder").getAsDouble());
    assertEquals("tf-privacy", o.get("orders").getAsString());
    assertEquals("rdp", o.get("accountant").getAsString());
  }

  @Test
  void epsilonPld() {
    CliRun r = CliRun.of("privacy", "epsilon", "--sampling-rate", "1", "--noise-multiplier", "0.7", "--steps", "2",
        "--delta", "1e-5", "--accountant", "pld", "--discretization", "1e-3", "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    double eps = o.get("epsilon").getAsDouble();
    assertTrue(eps >= 10.12249458 - 1e-8 && eps < 10.12249458 + 0.01, "eps " + eps);
  }

  @Test
  void noiseReferenceVector() {
    CliRun r = CliRun.of("privacy", "noise", "--sampling-rate", "0.04", "--epsilon", "8", "--delta", "1e-5", "--steps",
        "2250", "--precision", "1e-6", "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    double sigma = o.get("noiseMultiplier").getAsDouble();
    assertTrue(sigma >= 1.415787144 - 1e-9 && sigma - 1.415787144 <= 1e-6, "sigma " + sigma);
    assertTrue(o.get("achievedEpsilon").getAsDouble() <= 8);
    CliRun text = CliRun.of("privacy", "noise", "--sampling-rate", "0.04", "--epsilon", "8", "--delta", "1e-5",
        "--steps", "2250");
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().startsWith("noise multiplier = 1.4158"), text.out());
  }

  @Test
  void badInputIsOneLineWithExitCode2() {
    CliRun.assertBadInput("--sampling-rate must be in (0, 1], got 1.5", "privacy", "epsilon", "--sampling-rate", "1.5",
        "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5");
    CliRun.assertBadInput("--sampling-rate must be in (0, 1], got 0.0", "privacy", "noise", "--sampling-rate", "0",
        "--epsilon", "1", "--steps", "10", "--delta", "1e-5");
    CliRun.assertBadInput("--noise-multiplier must be finite and > 0, got -1.0", "privacy", "epsilon",
        "--sampling-rate", "0.1", "--noise-multiplier", "-1", "--steps", "10", "--delta", "1e-5");
    CliRun.assertBadInput("--noise-multiplier must be finite and > 0, got 0.0", "privacy", "epsilon", "--sampling-rate",
        "0.1", "--noise-multiplier", "0", "--steps", "10", "--delta", "1e-5");
    CliRun.assertBadInput("--delta must be in (0, 1), got 1.0", "privacy", "epsilon", "--sampling-rate", "0.1",
        "--noise-multiplier", "1", "--steps", "10", "--delta", "1");
    CliRun.assertBadInput("--delta must be in (0, 1), got 0.0", "privacy", "noise", "--sampling-rate", "0.1",
        "--epsilon", "1", "--steps", "10", "--delta", "0");
    CliRun.assertBadInput("--steps must be >= 0, got -3", "privacy", "epsilon", "--sampling-rate", "0.1",
        "--noise-multiplier", "1", "--steps", "-3", "--delta", "1e-5");
    CliRun.assertBadInput("--steps must be >= 1, got 0", "privacy", "noise", "--sampling-rate", "0.1",
        "--epsilon", "1", "--steps", "0", "--delta", "1e-5");
    CliRun.assertBadInput("--epsilon must be finite and > 0, got -2.0", "privacy", "noise", "--sampling-rate", "0.1",
        "--epsilon", "-2", "--steps", "10", "--delta", "1e-5");
    CliRun.assertBadInput("Unknown option: '--bogus'", "privacy", "epsilon", "--sampling-rate", "0.1",
        "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5", "--bogus");
    CliRun.assertBadInput("--accountant must be one of rdp, pld, got 'moments'", "privacy", "epsilon",
        "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5",
        "--accountant", "moments");
    CliRun.assertBadInput("--orders must be one of opacus, dp-accounting, tf-privacy, got 'x'", "privacy", "epsilon",
        "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5", "--orders", "x");
    CliRun.assertBadInput("--orders applies to --accountant rdp only", "privacy", "epsilon", "--sampling-rate", "0.1",
        "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5", "--accountant", "pld", "--orders",
        "opacus");
    CliRun.assertBadInput("Missing required option: '--delta=D'", "privacy", "epsilon", "--sampling-rate", "0.1",
        "--noise-multiplier", "1", "--steps", "10");
    CliRun.assertBadInput("'abc' is not a long", "privacy", "epsilon", "--sampling-rate", "0.1",
        "--noise-multiplier", "1", "--steps", "abc", "--delta", "1e-5");
  }

  @Test
  void helpOnEveryCommand() {
    for (String[] args : new String[][] {{"privacy", "--help"}, {"privacy", "epsilon", "--help"},
        {"privacy", "noise", "--help"}}) {
      CliRun r = CliRun.of(args);
      assertEquals(0, r.code());
      assertTrue(r.out().startsWith("Usage: trustfl privacy"), r.out());
    }
    assertTrue(CliRun.of("privacy", "epsilon", "--help").out().contains("--sampling-rate=Q"));
  }
}
