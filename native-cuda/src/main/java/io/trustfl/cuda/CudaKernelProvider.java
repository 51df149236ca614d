package io.trustfl.cuda;

import io.trustfl.kernels.KernelProvider;
import io.trustfl.kernels.KernelUnavailableException;
import io.trustfl.kernels.Kernels;
import java.util.Optional;

/**
 * Provider of the CUDA backend ("cuda", priority 300, preferred over cpu and java when a device is present).
 * Registered in {@code META-INF/services}; {@link #unavailableReason()} probes once per JVM through
 * {@link CudaRuntime} and never throws, so a machine without a GPU falls back to the next backend.
 */
public final class CudaKernelProvider implements KernelProvider {
  /** Creates the provider (used by {@link java.util.ServiceLoader}). */
  public CudaKernelProvider() {}

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public int priority() {
    return 300;
  }

  @Override
  public Optional<String> unavailableReason() {
    return CudaRuntime.unavailableReason();
  }

  @Override
  public Kernels open() {
    Optional<String> reason = unavailableReason();
    if (reason.isPresent()) {
      throw new KernelUnavailableException("kernel backend 'cuda' cannot run here: " + reason.get());
    }
    return new CudaKernels(CudaRuntime.device());
  }
}
