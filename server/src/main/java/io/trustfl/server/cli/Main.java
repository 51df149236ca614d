package io.trustfl.server.cli;

import picocli.CommandLine;

/** Entry point of the {@code trustfl} command line. */
public final class Main {
  private Main() {}

  /**
   * Runs the CLI and exits with its code: 0 on success, 2 for bad input (one line on standard error naming the
   * option and the allowed values), 1 for other failures.
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI without exiting; for tests and embedding. */
  public static int run(String... args) {
    return TrustflCommand.commandLine().execute(args);
  }
}
