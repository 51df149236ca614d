package io.trustfl.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code trustfl simulate}: bad options give one line on stderr and exit code 2, before any work starts. */
class SimulateCommandTest {
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
    assertBadInput("--clients must be >= 1, got 0", "simulate", "--clients", "0");
    assertBadInput("--clients-per-round must be <= clients (10), got 50", "simulate", "--clients", "10");
    assertBadInput("partition must be iid, dirichlet:<alpha> or quantity:<beta>, got 'zipf:2'", "simulate",
        "--partition", "zipf:2");
    assertBadInput("--selection must be uniform or activity, got 'random'", "simulate", "--selection", "random");
    assertBadInput("--dp must be none or central, got 'local'", "simulate", "--dp", "local");
    assertBadInput("--clip none is impossible with --dp central", "simulate", "--dp", "central", "--clip", "none");
    assertBadInput("--epsilon needs --dp central", "simulate", "--epsilon", "4");
    assertBadInput("--delta must be in (0, 1), got 2.0", "simulate", "--dp", "central", "--delta", "2");
    assertBadInput("--retention must be oldest_first, random or reservoir", "simulate", "--retention", "lru");
    assertBadInput("--dropout must be in [0, 1), got 1.5", "simulate", "--dropout", "1.5");
    assertBadInput("Invalid value for option '--rounds'", "simulate", "--rounds", "many");
    assertBadInput("--transport must be in-process or network, got 'pigeon'", "simulate", "--transport", "pigeon");
    assertBadInput("--clip-init needs central DP with adaptive clipping", "simulate", "--clip-init", "2");
    assertBadInput("--eval-split must be test or validation, got 'train'", "simulate", "--eval-split", "train");
    assertBadInput("--bag-buckets must be >= 16, got 3", "simulate", "--bag-buckets", "3");
    assertBadInput("--probes must be among [counterfactual], got 'weat'", "simulate", "--model", "intent-bag",
        "--probes", "counterfactual,weat");
    assertBadInput("--probes need the intent-bag model", "simulate", "--probes", "counterfactual");
  }
}
