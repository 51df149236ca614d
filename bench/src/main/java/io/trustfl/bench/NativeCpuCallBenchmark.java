package io.trustfl.bench;

import io.trustfl.kernels.ClipResult;
import io.trustfl.nativecpu.CpuKernels;
import io.trustfl.privacy.NoiseKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fixed cost of calling the cpu backend, apart from the work: an empty native call through the backend's
 * lock ({@code noop}), the smallest clip-and-accumulate (1×1, direct buffers: argument checks, JNI, result object)
 * and the smallest noise request (one normal: one 8-block ChaCha20 batch).
 *
 * <p>{@code java -jar bench/target/benchmarks.jar NativeCpuCallBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class NativeCpuCallBenchmark {
  private CpuKernels cpu;
  private FloatBuffer row;
  private DoubleBuffer sum;
  private DoubleBuffer one;
  private NoiseKey key;
  private long x;

  /** Allocates the data and opens the backends (not measured). */
  @Setup(Level.Trial)
  public void setUp() {
    cpu = CpuKernels.open();
    row = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, 0.5f);
    sum = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    one = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    key = NoiseKey.random();
  }

  /** Closes the backends. */
  @TearDown(Level.Trial)
  public void tearDown() {
    cpu.close();
  }

  /** An empty JNI call (through the backend's read lock). */
  @Benchmark
  public long noop() {
    return cpu.noop(x++);
  }

  /** Clip-and-accumulate of one 1-element row. */
  @Benchmark
  public ClipResult clipOneByOne() {
    return cpu.clipAndAccumulate(row, 1, 1, null, 1.0, sum, null);
  }

  /** One ChaCha20 normal. */
  @Benchmark
  public DoubleBuffer gaussianOne() {
    cpu.gaussian(key, 1, x++, one);
    return one;
  }
}
