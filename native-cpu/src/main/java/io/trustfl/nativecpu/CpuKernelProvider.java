package io.trustfl.nativecpu;

import io.trustfl.kernels.KernelProvider;
import io.trustfl.kernels.KernelUnavailableException;
import io.trustfl.kernels.Kernels;
import java.util.Optional;

/**
 * Provider of the "cpu" backend (priority 200: preferred to java, after cuda), registered for
 * {@link java.util.ServiceLoader}. The native library is probed once per class loader; when it cannot be loaded
 * (another platform, the {@code linux-x86_64} classifier jar missing from the class path, an old glibc),
 * {@link #unavailableReason()} says why and the registry falls back to another backend.
 */
public final class CpuKernelProvider implements KernelProvider {
  /** Creates the provider (used by {@link java.util.ServiceLoader}); does not load the library. */
  public CpuKernelProvider() {}

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public int priority() {
    return 200;
  }

  @Override
  public Optional<String> unavailableReason() {
    return Probe.REASON;
  }

  /**
   * Opens a backend with the pool size from {@value CpuKernels#THREADS_PROPERTY}.
   *
   * @throws KernelUnavailableException if the native library cannot be loaded here
   */
  @Override
  public Kernels open() {
    Optional<String> reason = unavailableReason();
    if (reason.isPresent()) {
      throw new KernelUnavailableException("kernel backend 'cpu' cannot run here: " + reason.get());
    }
    return CpuKernels.open();
  }

  /** Loads the library once, on first use. */
  private static final class Probe {
    static final Optional<String> REASON = probe();

    private static Optional<String> probe() {
      String os = System.getProperty("os.name", "?");
      String arch = System.getProperty("os.arch", "?");
      if (!os.toLowerCase(java.util.Locale.ROOT).startsWith("linux")
          || !(arch.equals("amd64") || arch.equals("x86_64"))) {
        return Optional.of("the native cpu kernels are built for linux-x86_64 only, this is " + os + "/" + arch);
      }
      try {
        String isa = CpuKernels.instructionSet();
        return isa == null ? Optional.of("the native library loaded but reported no instruction set")
            : Optional.empty();
      } catch (LinkageError | RuntimeException e) {
        return Optional.of("cannot load the native library jniNativeCpu (is io.trustfl:trustfl-native-cpu:"
            + "linux-x86_64 on the class path?): " + e);
      }
    }
  }
}
