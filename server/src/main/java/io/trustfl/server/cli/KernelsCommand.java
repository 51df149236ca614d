package io.trustfl.server.cli;

import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.KernelRegistry.BackendInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trustfl kernels}: lists the kernel backends on the class path and which one is active. */
@Command(name = "kernels", mixinStandardHelpOptions = true,
    description = "List kernel backends (java, cpu, cuda), their availability, and the active one.")
final class KernelsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String active = KernelRegistry.selectedName();
    for (BackendInfo b : KernelRegistry.describe()) {
      String mark = b.name().equals(active) ? "*" : " ";
      out.printf("%s %-5s priority %d  %s%n", mark, b.name(), b.priority(),
          b.available() ? "available" : "unavailable: " + b.unavailableReason());
    }
    out.println("active: " + active);
    out.flush();
    return 0;
  }
}
