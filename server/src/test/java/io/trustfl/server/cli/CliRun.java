package io.trustfl.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of the {@code trustfl} command line: exit code, standard output and standard error. */
record CliRun(int code, String out, String err) {
  static CliRun of(String... args) {
    CommandLine cl = TrustflCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Bad input: exit code 2, one line on stderr that contains {@code expectedInMessage}, nothing on stdout. */
  static void assertBadInput(String expectedInMessage, String... args) {
    CliRun r = of(args);
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertTrue(r.err().contains(expectedInMessage), r.err());
    assertEquals("", r.out());
  }
}
