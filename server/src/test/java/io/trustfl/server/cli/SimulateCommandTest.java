package io.trustfl.server.cli;

import org.junit.jupiter.api.Test;

/** {@code trustfl simulate}: bad options give one line on stderr and exit code 2, before any work starts. */
class SimulateCommandTest {
  @Test
  void badOptionsAreOneLineErrorsWithExitCode2() {
    CliRun.assertBadInput("--clients must be >= 1, got 0", "simulate", "--clients", "0");
    CliRun.assertBadInput("--clients-per-round must be <= clients (10), got 50", "simulate", "--clients", "10");
    CliRun.assertBadInput("partition must be iid, dirichlet:<alpha> or quantity:<beta>, got 'zipf:2'", "simulate",
        "--partition", "zipf:2");
    CliRun.assertBadInput("--selection must be uniform or activity, got 'random'", "simulate", "--selection", "random");
    CliRun.assertBadInput("--dp must be none or central, got 'local'", "simulate", "--dp", "local");
    CliRun.assertBadInput("--clip none is impossible with --dp central", "simulate", "--dp", "central", "--clip",
        "none");
    CliRun.assertBadInput("--epsilon needs --dp central", "simulate", "--epsilon", "4");
    CliRun.assertBadInput("--delta must be in (0, 1), got 2.0", "simulate", "--dp", "central", "--delta", "2");
    CliRun.assertBadInput("--retention must be oldest_first, random or reservoir", "simulate", "--retention", "lru");
    CliRun.assertBadInput("--dropout must be in [0, 1), got 1.5", "simulate", "--dropout", "1.5");
    CliRun.assertBadInput("Invalid value for option '--rounds'", "simulate", "--rounds", "many");
    CliRun.assertBadInput("--transport must be in-process or network, got 'pigeon'", "simulate", "--transport",
        "pigeon");
    CliRun.assertBadInput("--clip-init needs central DP with adaptive clipping", "simulate", "--clip-init", "2");
    CliRun.assertBadInput("--eval-split must be test or validation, got 'train'", "simulate", "--eval-split", "train");
    CliRun.assertBadInput("--bag-buckets must be >= 16, got 3", "simulate", "--bag-buckets", "3");
    CliRun.assertBadInput("--probes must be among [counterfactual], got 'weat'", "simulate", "--model", "intent-bag",
        "--probes", "counterfactual,weat");
    CliRun.assertBadInput("--probes need the intent-bag model", "simulate", "--probes", "counterfactual");
  }
}
