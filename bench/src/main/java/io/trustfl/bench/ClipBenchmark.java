package io.trustfl.bench;

import io.trustfl.kernels.ClipResult;
import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pure-Java clip-and-accumulate over a {@code batch × dim} float matrix against a plain read of the same bytes in
 * the same run (issue 2: within 3× of the plain read). One operation is one pass over the whole matrix; divide
 * {@code batch·dim·4} bytes by the time for an effective bandwidth.
 *
 * <p>The plain read sums the floats with eight independent accumulators, the fastest scalar read-reduce C2 compiles
 * for a {@code float[]}: it is the memory-and-load limit of Java code that touches every element once.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar ClipBenchmark -rf json -rff clip.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class ClipBenchmark {

  @Param({"64"})
  public int batch;

  @Param({"1000000"})
  public int dim;

  private float[] matrix;
  private FloatBuffer rows;
  private DoubleBuffer sum;
  private Kernels kernels;

  @Setup(Level.Trial)
  public void setUp() {
    matrix = new float[Math.multiplyExact(batch, dim)];
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < matrix.length; i++) {
      matrix[i] = (float) (rnd.nextDouble() - 0.5);
    }
    rows = FloatBuffer.wrap(matrix);
    sum = DoubleBuffer.allocate(dim);
    kernels = KernelRegistry.open("java");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
  }

  /** Norms, clip factors and the clipped sum of all rows (clip norm below most row norms, so rows are scaled). */
  @Benchmark
  public ClipResult javaClipAndAccumulate() {
    return kernels.clipAndAccumulate(rows, batch, dim, null, 1.0, sum, null);
  }

  /** The baseline: every float of the same matrix read once and reduced. */
  @Benchmark
  public float plainRead() {
    float[] a = matrix;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int n = a.length;
    int i = 0;
    for (; i + 7 < n; i += 8) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
      s4 += a[i + 4];
      s5 += a[i + 5];
      s6 += a[i + 6];
      s7 += a[i + 7];
    }
    for (; i < n; i++) {
      s0 += a[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }
}
