/**
 * The CUDA kernel backend ("cuda") of the kernel SPI: per-example clipping and accumulation, ghost norms and clipped
 * sums of linear layers, ChaCha20 Gaussian noise bit-identical to the Java backend ({@code docs/NOISE.md}) and a
 * streaming aggregator that overlaps host-to-device copies with compute. The kernels are CUDA C++ in
 * {@code src/main/cuda}, bound with JavaCPP; device memory, pinned host memory, streams and events are
 * {@link java.lang.AutoCloseable} objects, and CUDA errors surface as {@link io.trustfl.cuda.CudaException} carrying
 * the CUDA error name. Only {@link io.trustfl.cuda.CudaRuntime} loads the native library and probes for a device;
 * nothing here may be used from sdk-java, which finds this backend through {@link java.util.ServiceLoader}.
 */
package io.trustfl.cuda;
