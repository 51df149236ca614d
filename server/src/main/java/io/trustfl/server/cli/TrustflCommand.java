package io.trustfl.server.cli;

import io.trustfl.kernels.KernelRegistry;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The root {@code trustfl} command; subcommands do the work. */
@Command(
    name = "trustfl",
    mixinStandardHelpOptions = true,
    versionProvider = TrustflCommand.Version.class,
    description = "TrustFL: differentially private on-device learning, federated simulation, privacy audits.",
    subcommands = {KernelsCommand.class, TrainCommand.class, PrivacyCommand.class, SimulateCommand.class,
        FairnessCommand.class, AuditCommand.class})
public final class TrustflCommand implements Runnable {
  /** Package version, written into the jar's manifest or "dev" when run from classes. */
  static String version() {
    String v = TrustflCommand.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the configured command line: bad input prints one line and exits with 2. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new TrustflCommand());
    cl.setParameterExceptionHandler(TrustflCommand::badInput);
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof IllegalArgumentException) {
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cl;
  }

  private static int badInput(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage() + " (see --help)");
    return 2;
  }

  /** Version string with the active kernel backend. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"trustfl " + version(), "kernels: " + KernelRegistry.selectedName()
          + " (override with -D" + KernelRegistry.PROPERTY + "=java|cpu|cuda)"};
    }
  }
}
