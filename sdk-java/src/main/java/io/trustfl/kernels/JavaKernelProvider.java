package io.trustfl.kernels;

import java.util.Optional;

/** Provider of the pure-Java backend; always available. */
public final class JavaKernelProvider implements KernelProvider {
  /** Creates the provider (used by {@link java.util.ServiceLoader}). */
  public JavaKernelProvider() {}

  @Override
  public String name() {
    return "java";
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Optional<String> unavailableReason() {
    return Optional.empty();
  }

  @Override
  public Kernels open() {
    return new JavaKernels();
  }
}
