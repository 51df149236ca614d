package io.trustfl.server.cli;

import io.trustfl.server.audit.FederatedAuditReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trustfl audit federated-summary}: the table (mean &plusmn; sd per &epsilon;) and ROC plots of several
 * {@code trustfl audit federated} runs.
 */
@Command(name = "federated-summary", mixinStandardHelpOptions = true,
    description = "Summarize 'trustfl audit federated' runs: a Markdown table with one row per epsilon (mean +- sd"
        + " over the runs) and ROC plots of the canary scores (and of the loss-threshold attack when present).")
final class FederatedAuditSummaryCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, description = "directory for summary.md and the PNGs")
  Path out;

  @Parameters(arity = "1..*", paramLabel = "RUN", description = "output directories of 'trustfl audit federated'")
  List<Path> runs;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    o.print(FederatedAuditReport.write(out, runs));
    o.println("wrote " + out.resolve("summary.md") + " and ROC plots");
    o.flush();
    return 0;
  }
}
