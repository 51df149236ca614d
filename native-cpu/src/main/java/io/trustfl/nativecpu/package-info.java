/**
 * The "cpu" kernel backend: C++17 kernels bound with JavaCPP, found by {@code KernelRegistry} through
 * {@link io.trustfl.nativecpu.CpuKernelProvider}. Public here are the provider and {@link
 * io.trustfl.nativecpu.CpuKernels} (pool size, instruction set, the benchmarks' baselines); the JNI binding lives in
 * {@code internal}. Results match the pure-Java backend; noise is bit-identical to it.
 */
package io.trustfl.nativecpu;
