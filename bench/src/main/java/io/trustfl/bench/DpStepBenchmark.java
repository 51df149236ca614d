package io.trustfl.bench;

import com.sun.management.OperatingSystemMXBean;
import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.model.SessionSettings;
import io.trustfl.onnx.Bundles;
import io.trustfl.onnx.IntentModels;
import io.trustfl.privacy.NoiseKey;
import io.trustfl.train.Batch;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.DpStepResult;
import io.trustfl.train.NoisePrefetcher;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.Optimizer;
import io.trustfl.train.OptimizerSpec;
import io.trustfl.train.Params;
import io.trustfl.train.PlainStepResult;
import io.trustfl.train.TokenFeatures;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * One DP-SGD step against one plain step of the same shipped model and batch (256 random but fixed examples), in
 * the same run — the per-step work of {@code io.trustfl.train.Trainer}:
 * <ul>
 *   <li>{@link #plainStep}: {@code train_step} graph, finiteness check, division by the batch size, Adam;</li>
 *   <li>{@link #dpStep}: {@code dp_train_step} graph (ghost norms, clipped sum), finiteness check, N(0, (σC)²) on
 *       every coordinate from the kernel backend plus division by the expected batch size (the trainer's own
 *       {@link NoisePrefetcher#noisedMean}, synchronous or prefetched on a worker thread), Adam.</li>
 * </ul>
 * The bundles are the shipped defaults ({@code intent-minilm-mlp}: 384 → 256 → 151, 137,367 parameters;
 * {@code intent-bag}: 2^15 buckets × 32 + linear 32 → 151, 1,053,719 parameters); ONNX Runtime runs with
 * {@link SessionSettings#forDevices()} like {@code trustfl train}. Dense features are random unit vectors (MiniLM
 * embeddings are L2-normalized); token features have 10–30 real ids per row padded to
 * {@value IntentModels#BAG_MAX_TOKENS}.
 *
 * <p>Wall time alone flatters the background mode on a loaded machine: every iteration also prints the process CPU
 * time per step (all threads: ONNX Runtime's, the kernel pool's, the prefetch worker's) as {@code cpu-ms/op}.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar DpStepBenchmark -rf json -rff dp.json}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DpStepBenchmark {
  static final int BATCH = 256;
  static final double CLIP = 1.0;
  /** σ of the CLI's ε = 8 MiniLM run (docs/TRAINING.md). */
  static final double SIGMA = 1.97;

  /** The model, its parameters and optimizer, and the fixed batch; shared by both benchmarks' states. */
  @State(Scope.Thread)
  public static class ModelState {
    @Param({IntentModels.MINILM_MLP, IntentModels.BAG})
    public String model;

    OnnxStepModel stepModel;
    Params params;
    Optimizer optimizer;
    Batch batch;
    private final CpuMeter cpu = new CpuMeter();

    /** Opens the shipped bundle and builds the batch. */
    @Setup(Level.Trial)
    public void setUp() {
      // -Ddpbench.sessions=single: one ONNX Runtime thread (on the caller), for CPU-time phase breakdowns.
      SessionSettings settings = "single".equals(System.getProperty("dpbench.sessions"))
          ? SessionSettings.singleThreaded() : SessionSettings.forDevices();
      stepModel = OnnxStepModel.open(Bundles.loadShipped(model), settings);
      params = stepModel.initialParams();
      optimizer = OptimizerSpec.Adam.withDefaults(1e-3).create(params);
      SplittableRandom r = new SplittableRandom(42);
      int[] labels = new int[BATCH];
      for (int i = 0; i < BATCH; i++) {
        labels[i] = r.nextInt(stepModel.numClasses());
      }
      if (stepModel.takesTokens()) {
        int len = IntentModels.BAG_MAX_TOKENS;
        long[] ids = new long[BATCH * len];
        float[] mask = new float[BATCH * len];
        for (int i = 0; i < BATCH; i++) {
          int n = r.nextInt(10, 31);
          for (int j = 0; j < n; j++) {
            ids[i * len + j] = r.nextLong(IntentModels.DEFAULT_BUCKETS);
            mask[i * len + j] = 1f;
          }
        }
        batch = new Batch(new TokenFeatures(ids, mask, BATCH, len), labels);
      } else {
        int dim = stepModel.featureDim();
        float[] x = new float[BATCH * dim];
        for (int i = 0; i < BATCH; i++) {
          double norm = 0;
          for (int j = 0; j < dim; j++) {
            double v = r.nextGaussian();
            x[i * dim + j] = (float) v;
            norm += v * v;
          }
          for (int j = 0; j < dim; j++) {
            x[i * dim + j] = (float) (x[i * dim + j] / Math.sqrt(norm));
          }
        }
        batch = new Batch(new DenseFeatures(x, BATCH, dim), labels);
      }
      System.out.printf(Locale.ROOT, "%n%s: %d parameters, %d classes%n", model, params.totalSize(),
          stepModel.numClasses());
    }

    /** Starts the iteration's CPU-time meter. */
    @Setup(Level.Iteration)
    public void startIteration() {
      cpu.start();
    }

    /** Prints the iteration's process CPU time per step. */
    @TearDown(Level.Iteration)
    public void endIteration() {
      cpu.report();
    }

    /** Closes the ONNX sessions. */
    @TearDown(Level.Trial)
    public void tearDown() {
      stepModel.close();
    }
  }

  /** The kernel backend and the trainer's noise stage. */
  @State(Scope.Thread)
  public static class NoiseState {
    @Param({"java", "cpu"})
    public String backend;

    @Param({"SYNCHRONOUS", "BACKGROUND"})
    public NoisePrefetcher.Mode noise;

    Kernels kernels;
    NoisePrefetcher prefetcher;
    long nonce;

    /** Opens the backend and the noise stage (no nonce permitted yet: each benchmark permits its own). */
    @Setup(Level.Trial)
    public void setUp(ModelState m) {
      kernels = KernelRegistry.open(backend);
      prefetcher = new NoisePrefetcher(kernels, NoiseKey.random(), SIGMA * CLIP, m.params, noise);
    }

    /** Closes the noise stage, then the backend. */
    @TearDown(Level.Trial)
    public void tearDown() {
      prefetcher.close();
      kernels.close();
    }
  }

  /** Plain step: {@code train_step}, finiteness check, mean gradient, Adam. */
  @Benchmark
  public Params plainStep(ModelState m) {
    PlainStepResult r = m.stepModel.step(m.batch, m.params);
    plainUpdate(m, r);
    m.cpu.ops++;
    return m.params;
  }

  /** The plain step after the graph: finiteness check, mean gradient, Adam. */
  private static void plainUpdate(ModelState m, PlainStepResult r) {
    double[][] g = r.gradientSum();
    requireFinite(g);
    double inv = 1.0 / m.batch.size();
    for (double[] t : g) {
      for (int i = 0; i < t.length; i++) {
        t[i] *= inv;
      }
    }
    m.optimizer.step(m.params, g);
  }

  /** DP step: {@code dp_train_step}, finiteness check, noise and division by the expected batch, Adam. */
  @Benchmark
  public Params dpStep(ModelState m, NoiseState n) {
    DpStepResult r = m.stepModel.dpStep(m.batch, m.params, CLIP);
    requireFinite(r.clippedSum());
    // The next step is always permitted, as within a trainer's recorded epoch.
    n.prefetcher.permitUpTo(n.nonce + 2);
    double[][] update = n.prefetcher.noisedMean(r.clippedSum(), n.nonce++, BATCH);
    m.optimizer.step(m.params, update);
    m.cpu.ops++;
    return m.params;
  }

  /**
   * Both steps interleaved, for a loaded machine where two separately measured benchmarks see different load:
   * {@value #BLOCK} plain steps, then {@value #BLOCK} DP steps (their nonces permitted when the block starts, as the
   * trainer permits an epoch's once it is recorded, so no prefetch spills into the plain block), each phase timed
   * in wall and process CPU time. The secondary results are the per-iteration ratios and per-step phase times (ms):
   * graph, noise stage, and the rest (finiteness check, division, Adam).
   */
  @Benchmark
  @Warmup(iterations = 2, time = 4)
  @Measurement(iterations = 5, time = 4)
  public Params pairedBlocks(ModelState m, NoiseState n, Paired p) {
    for (int i = 0; i < BLOCK; i++) {
      long w0 = System.nanoTime();
      long c0 = p.os.getProcessCpuTime();
      long t0 = p.threads.getCurrentThreadCpuTime();
      PlainStepResult r = m.stepModel.step(m.batch, m.params);
      long w1 = System.nanoTime();
      long t1 = p.threads.getCurrentThreadCpuTime();
      plainUpdate(m, r);
      long w2 = System.nanoTime();
      long c2 = p.os.getProcessCpuTime();
      long t2 = p.threads.getCurrentThreadCpuTime();
      p.plainThreadGraph += t1 - t0;
      p.plainThread += t2 - t0;
      p.plainWall += w2 - w0;
      p.plainCpu += c2 - c0;
      p.plainGraph += w1 - w0;
    }
    n.prefetcher.permitUpTo(n.nonce + BLOCK);
    for (int i = 0; i < BLOCK; i++) {
      long w0 = System.nanoTime();
      long c0 = p.os.getProcessCpuTime();
      long t0 = p.threads.getCurrentThreadCpuTime();
      DpStepResult r = m.stepModel.dpStep(m.batch, m.params, CLIP);
      long w1 = System.nanoTime();
      long t1 = p.threads.getCurrentThreadCpuTime();
      requireFinite(r.clippedSum());
      long w2 = System.nanoTime();
      long t2 = p.threads.getCurrentThreadCpuTime();
      double[][] update = n.prefetcher.noisedMean(r.clippedSum(), n.nonce++, BATCH);
      long w3 = System.nanoTime();
      long t3 = p.threads.getCurrentThreadCpuTime();
      m.optimizer.step(m.params, update);
      long w4 = System.nanoTime();
      long c4 = p.os.getProcessCpuTime();
      long t4 = p.threads.getCurrentThreadCpuTime();
      p.dpThreadGraph += t1 - t0;
      p.dpThreadNoise += t3 - t2;
      p.dpThread += t4 - t0;
      p.dpWall += w4 - w0;
      p.dpCpu += c4 - c0;
      p.dpGraph += w1 - w0;
      p.dpNoise += w3 - w2;
    }
    p.steps += BLOCK;
    p.update();
    m.cpu.ops += 2 * BLOCK;
    return m.params;
  }

  /** Steps per block in {@link #pairedBlocks}. */
  static final int BLOCK = 8;

  /**
   * Accumulated phase times of {@link #pairedBlocks}, reported as JMH secondary results. JMH sums
   * {@code EVENTS} counters over the measurement iterations: the printed score is the sum, so divide it by
   * {@code Cnt} or read the per-iteration {@code rawData} of the JSON result.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Paired {
    final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long steps;
    long plainThread;
    long plainThreadGraph;
    long dpThread;
    long dpThreadGraph;
    long dpThreadNoise;
    long plainWall;
    long plainCpu;
    long plainGraph;
    long dpWall;
    long dpCpu;
    long dpGraph;
    long dpNoise;
    /** DP step wall time over plain step wall time, this iteration. */
    public double wallRatio;
    /** The same for process CPU time (all threads). */
    public double cpuRatio;
    /** Plain step, ms of wall time. */
    public double plainMs;
    /** Plain step's graph, ms. */
    public double plainGraphMs;
    /** DP step, ms of wall time. */
    public double dpMs;
    /** DP step's graph, ms. */
    public double dpGraphMs;
    /** DP step's noise stage (waiting for or generating the noise, adding, dividing), ms. */
    public double dpNoiseMs;
    /** Plain step, ms of process CPU time. */
    public double plainCpuMs;
    /** DP step, ms of process CPU time. */
    public double dpCpuMs;

    /** Plain step, ms of the benchmark thread's CPU time (all of it when everything runs single-threaded). */
    public double plainThreadCpuMs;
    /** Plain step's graph, ms of the benchmark thread's CPU time. */
    public double plainGraphThreadCpuMs;
    /** DP step, ms of the benchmark thread's CPU time. */
    public double dpThreadCpuMs;
    /** DP step's graph, ms of the benchmark thread's CPU time. */
    public double dpGraphThreadCpuMs;
    /** DP step's noise stage, ms of the benchmark thread's CPU time (excludes a prefetch worker's). */
    public double dpNoiseThreadCpuMs;

    /** Resets the sums for a new iteration. */
    @Setup(Level.Iteration)
    public void reset() {
      steps = 0;
      plainWall = plainCpu = plainGraph = dpWall = dpCpu = dpGraph = dpNoise = 0;
      plainThread = plainThreadGraph = dpThread = dpThreadGraph = dpThreadNoise = 0;
      update();
    }

    void update() {
      double k = steps == 0 ? Double.NaN : 1e6 * steps;
      wallRatio = (double) dpWall / plainWall;
      cpuRatio = (double) dpCpu / plainCpu;
      plainMs = plainWall / k;
      plainGraphMs = plainGraph / k;
      dpMs = dpWall / k;
      dpGraphMs = dpGraph / k;
      dpNoiseMs = dpNoise / k;
      plainCpuMs = plainCpu / k;
      dpCpuMs = dpCpu / k;
      plainThreadCpuMs = plainThread / k;
      plainGraphThreadCpuMs = plainThreadGraph / k;
      dpThreadCpuMs = dpThread / k;
      dpGraphThreadCpuMs = dpThreadGraph / k;
      dpNoiseThreadCpuMs = dpThreadNoise / k;
    }
  }

  /** The trainer's divergence check (a pass over every coordinate), mirrored here since it is private there. */
  private static void requireFinite(double[][] g) {
    for (double[] t : g) {
      for (double v : t) {
        if (!Double.isFinite(v)) {
          throw new IllegalStateException("gradient contains " + v);
        }
      }
    }
  }

  /** Process CPU time (all threads) per operation over one iteration. */
  static final class CpuMeter {
    private final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long ops;
    private long cpuStart;
    private long wallStart;

    void start() {
      ops = 0;
      cpuStart = os.getProcessCpuTime();
      wallStart = System.nanoTime();
    }

    void report() {
      double cpuMs = (os.getProcessCpuTime() - cpuStart) / 1e6;
      double wallMs = (System.nanoTime() - wallStart) / 1e6;
      if (ops > 0) {
        System.out.printf(Locale.ROOT, " [cpu-ms/op %.3f, wall-ms/op %.3f, cores busy %.2f]", cpuMs / ops,
            wallMs / ops, cpuMs / wallMs);
      }
    }
  }
}
