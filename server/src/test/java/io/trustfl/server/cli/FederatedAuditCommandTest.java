package io.trustfl.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code trustfl audit federated}: bad options give one line on stderr and exit code 2, before any work starts. */
class FederatedAuditCommandTest {
  private static void assertBadInput(String expectedInMessage, String... args) {
    CommandLine cl = TrustflCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    assertEquals(2, code, err.toString());
    assertEquals(1, err.toString().strip().lines().count(), "one line: " + err);
    assertTrue(err.toString().contains(expectedInMessage), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void badOptionsAreOneLineErrorsWithExitCode2() {
    assertBadInput("--epsilon must be a number > 0 or inf, got 'lots'", "audit", "federated", "--out", "x",
        "--epsilon", "lots");
    assertBadInput("--clip none is impossible with DP", "audit", "federated", "--out", "x", "--clip", "none");
    assertBadInput("--clip adaptive needs DP", "audit", "federated", "--out", "x", "--epsilon", "inf", "--clip",
        "adaptive");
    assertBadInput("--guesses must be even and in [2, canaries=1000], got 3", "audit", "federated", "--out", "x",
        "--guesses", "3");
    assertBadInput("--canaries must be >= 2, got 1", "audit", "federated", "--out", "x", "--canaries", "1");
    assertBadInput("--secrets needs --model intent-bag", "audit", "federated", "--out", "x", "--secrets", "3");
    assertBadInput("--epsilon must be finite and > 0, got -1.0", "audit", "federated", "--out", "x", "--epsilon",
        "-1");
    assertBadInput("Missing required option: '--out=<out>'", "audit", "federated");
    assertBadInput("audit: --out is required", "audit");
  }
}
