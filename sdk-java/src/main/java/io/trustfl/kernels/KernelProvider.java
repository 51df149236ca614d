package io.trustfl.kernels;

import java.util.Optional;

/**
 * Service-provider interface through which {@link KernelRegistry} finds backends with {@link java.util.ServiceLoader}.
 * A backend module registers its provider in {@code META-INF/services/io.trustfl.kernels.KernelProvider}.
 *
 * <p>Providers are cheap to construct; {@link #unavailableReason()} probes the platform (native library, device)
 * once and caches the answer.
 */
public interface KernelProvider {

  /** Backend name used with {@code -Dtrustfl.kernels}: "java", "cpu" or "cuda". */
  String name();

  /** Preference among available backends; higher wins (cuda 300 &gt; cpu 200 &gt; java 100). */
  int priority();

  /**
   * Empty when the backend can be opened here; otherwise why not (e.g. "no CUDA device: error 35 …").
   * Never throws.
   */
  Optional<String> unavailableReason();

  /**
   * Opens a backend instance owned by the caller.
   *
   * @throws KernelUnavailableException if the backend cannot run here
   */
  Kernels open();
}
