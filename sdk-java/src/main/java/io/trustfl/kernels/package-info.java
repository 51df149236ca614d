/**
 * The kernel SPI for batched per-example clipping, ghost norms of linear layers, ChaCha20 Gaussian noise and
 * streaming aggregation ({@link io.trustfl.kernels.Kernels}), the pure-Java backend every native backend is tested
 * against, and backend discovery ({@link io.trustfl.kernels.KernelRegistry}). Native backends live in other modules
 * and are found at run time with {@link java.util.ServiceLoader}; nothing here depends on them.
 */
package io.trustfl.kernels;
