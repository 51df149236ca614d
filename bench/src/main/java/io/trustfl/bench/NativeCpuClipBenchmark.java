package io.trustfl.bench;

import io.trustfl.kernels.ClipResult;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.nativecpu.CpuKernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * Native clip-and-accumulate against its physical limit, measured in the same run (issue 4): for each
 * {@code batch×dim} shape, one operation is one pass over the whole float matrix by
 * <ul>
 *   <li>{@code nativeClip}: the cpu backend's clip-and-accumulate (direct buffers, all pool threads);</li>
 *   <li>{@code nativeStreamingSum}: the cpu backend's plain read-reduce of the same bytes (all pool threads) —
 *       the memory-bandwidth limit measured on the spot;</li>
 *   <li>{@code javaClip}: the pure-Java backend on a heap array (its fast path).</li>
 * </ul>
 * Effective bandwidth = {@code batch·dim·4} bytes / time; the targets are nativeClip ≥ 0.8× nativeStreamingSum and
 * ≥ 3× javaClip. Pool size: {@code -Dtrustfl.cpu.threads} (default: hardware threads), e.g.
 * {@code -jvmArgsAppend -Dtrustfl.cpu.threads=1}.
 *
 * <p>{@code residency}: {@code hot} passes over the same matrix every time, so a matrix smaller than the last-level
 * cache is read from that cache after the first pass (the build machine's VM reports a 480 MiB L3: every shape here
 * but 64×1,048,576 fits), and the read baseline measures cache, not memory, bandwidth. {@code cold} rotates over
 * copies of the matrix totalling at least {@value #COLD_BYTES} bytes, so each pass reads main memory — the setting
 * the kernel is built for (a server aggregating fresh updates). Each benchmark method rotates on its own.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar NativeCpuClipBenchmark -f 1 -wi 2 -i 3 -rf json -rff cpu.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:MaxDirectMemorySize=2g"})
public class NativeCpuClipBenchmark {

  /** {@code batch x dim}. */
  @Param({"256x65536", "64x1048576", "1024x16384"})
  public String shape;

  /** {@code hot}: the same matrix every pass; {@code cold}: copies rotated so that each pass misses the caches. */
  @Param({"cold", "hot"})
  public String residency;

  /** Total bytes of the rotated copies in the {@code cold} setting (about three times the L3 the VM reports). */
  static final long COLD_BYTES = 1536L << 20;

  private int batch;
  private int dim;
  private FloatBuffer[] direct;
  private FloatBuffer[] heap;
  private int nextClip;
  private int nextSum;
  private int nextJava;
  private DoubleBuffer directSum;
  private DoubleBuffer directNorms;
  private DoubleBuffer heapSum;
  private DoubleBuffer heapNorms;
  private double clip;
  private CpuKernels cpu;
  private JavaKernels java;

  /** Allocates the data and opens the backends (not measured). */
  @Setup(Level.Trial)
  public void setUp() {
    String[] bd = shape.split("x");
    batch = Integer.parseInt(bd[0]);
    dim = Integer.parseInt(bd[1]);
    int n = Math.multiplyExact(batch, dim);
    int copies = "hot".equals(residency) ? 1 : (int) Math.max(2, (COLD_BYTES + 4L * n - 1) / (4L * n));
    direct = new FloatBuffer[copies];
    heap = new FloatBuffer[copies];
    SplittableRandom rnd = new SplittableRandom(42);
    for (int c = 0; c < copies; c++) {
      float[] m = new float[n];
      for (int i = 0; i < n; i++) {
        m[i] = (float) (rnd.nextDouble() - 0.5);
      }
      heap[c] = FloatBuffer.wrap(m);
      direct[c] = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
      direct[c].put(m).flip();
    }
    directSum = ByteBuffer.allocateDirect(8 * dim).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    directNorms = ByteBuffer.allocateDirect(8 * batch).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    heapSum = DoubleBuffer.allocate(dim);
    heapNorms = DoubleBuffer.allocate(batch);
    clip = 0.5 * Math.sqrt(dim / 12.0); // about half of the rows are clipped
    cpu = CpuKernels.open();
    java = new JavaKernels();
  }

  /** Closes the backends. */
  @TearDown(Level.Trial)
  public void tearDown() {
    cpu.close();
    java.close();
  }

  /** Native clip-and-accumulate over the matrix (norms out, no weights). */
  @Benchmark
  public ClipResult nativeClip() {
    FloatBuffer m = direct[nextClip];
    nextClip = (nextClip + 1) % direct.length;
    return cpu.clipAndAccumulate(m, batch, dim, null, clip, directSum, directNorms);
  }

  /** Native streaming read-reduce of the same bytes: the memory-bandwidth limit. */
  @Benchmark
  public double nativeStreamingSum() {
    FloatBuffer m = direct[nextSum];
    nextSum = (nextSum + 1) % direct.length;
    return cpu.streamingSum(m, (long) batch * dim);
  }

  /** The pure-Java backend on the same matrix in a heap array. */
  @Benchmark
  public ClipResult javaClip() {
    FloatBuffer m = heap[nextJava];
    nextJava = (nextJava + 1) % heap.length;
    return java.clipAndAccumulate(m, batch, dim, null, clip, heapSum, heapNorms);
  }
}
