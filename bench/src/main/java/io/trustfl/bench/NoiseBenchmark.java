package io.trustfl.bench;

import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Gaussian noise throughput: ChaCha20 normals from a kernel backend against {@link SecureRandom#nextGaussian()} in
 * the same run. Scores are normals per second (one operation = one normal).
 *
 * <p>{@code java -jar bench/target/benchmarks.jar NoiseBenchmark -p backend=java,cpu}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class NoiseBenchmark {
  static final int N = 1 << 20;

  @Param({"java"})
  public String backend;

  private Kernels kernels;
  private NoiseKey key;
  private DoubleBuffer out;
  private long index;
  private SecureRandom secureRandom;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelRegistry.open(backend);
    key = NoiseKey.random();
    out = backend.equals("java") ? DoubleBuffer.allocate(N)
        : java.nio.ByteBuffer.allocateDirect(N * 8).order(java.nio.ByteOrder.nativeOrder()).asDoubleBuffer();
    secureRandom = new SecureRandom();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
  }

  /** ChaCha20 normals from the selected backend, 2^20 per call. */
  @Benchmark
  @OperationsPerInvocation(N)
  public DoubleBuffer chachaNormals() {
    kernels.gaussian(key, 7L, index, out);
    index += N;
    return out;
  }

  /** The JDK's {@code SecureRandom.nextGaussian}, 4096 per call. */
  @Benchmark
  @OperationsPerInvocation(4096)
  public void secureRandomNextGaussian(Blackhole bh) {
    for (int i = 0; i < 4096; i++) {
      bh.consume(secureRandom.nextGaussian());
    }
  }
}
