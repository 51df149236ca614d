package io.trustfl.server.cli;

import org.junit.jupiter.api.Test;

/** {@code trustfl audit federated}: bad options give one line on stderr and exit code 2, before any work starts. */
class FederatedAuditCommandTest {
  @Test
  void badOptionsAreOneLineErrorsWithExitCode2() {
    CliRun.assertBadInput("--epsilon must be a number > 0 or inf, got 'lots'", "audit", "federated", "--out", "x",
        "--epsilon", "lots");
    CliRun.assertBadInput("--clip none is impossible with DP", "audit", "federated", "--out", "x", "--clip", "none");
    CliRun.assertBadInput("--clip adaptive needs DP", "audit", "federated", "--out", "x", "--epsilon", "inf", "--clip",
        "adaptive");
    CliRun.assertBadInput("--guesses must be even and in [2, canaries=1000], got 3", "audit", "federated", "--out", "x",
        "--guesses", "3");
    CliRun.assertBadInput("--canaries must be >= 2, got 1", "audit", "federated", "--out", "x", "--canaries", "1");
    CliRun.assertBadInput("--secrets needs --model intent-bag", "audit", "federated", "--out", "x", "--secrets", "3");
    CliRun.assertBadInput("--epsilon must be finite and > 0, got -1.0", "audit", "federated", "--out", "x", "--epsilon",
        "-1");
    CliRun.assertBadInput("Missing required option: '--out=<out>'", "audit", "federated");
    CliRun.assertBadInput("audit: --out is required", "audit");
  }
}
