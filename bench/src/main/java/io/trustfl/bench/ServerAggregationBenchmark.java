package io.trustfl.bench;

import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.NoiseKey;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.server.aggregation.AggregateResult;
import io.trustfl.server.aggregation.Aggregator;
import io.trustfl.server.aggregation.CentralDpAggregator;
import io.trustfl.server.aggregation.FedAvgAggregator;
import io.trustfl.server.aggregation.ModelLayout;
import io.trustfl.server.aggregation.PartialAggregate;
import io.trustfl.server.aggregation.RoundSpec;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One server round: validate, decode, re-clip and sum {@code updates} client updates of {@code dim} floats (the
 * MiniLM head is about 100,000 parameters) and release the average, without DP or with central DP (one noise draw of
 * {@code dim} normals). One operation = one whole round. To keep memory bounded, {@value #DISTINCT} distinct
 * serialized updates are cycled. {@link #readReference} reads the same payload bytes once per update as the
 * physical limit to compare against in the same run.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar ServerAggregationBenchmark -p backend=java,cpu}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ServerAggregationBenchmark {
  static final int DISTINCT = 16;

  @Param({"java"})
  public String backend;

  @Param({"100000"})
  public int dim;

  @Param({"1000"})
  public int updates;

  @Param({"none", "central"})
  public String dp;

  private Kernels kernels;
  private ClientUpdate[] pool;
  private RoundSpec spec;
  private NoiseKey key;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelRegistry.open(backend);
    key = NoiseKey.random();
    ModelLayout layout = new ModelLayout(List.of(new ModelLayout.TensorSpec("head", List.of((long) dim))));
    spec = RoundSpec.of("bench", 0, layout, 1e6);
    SplittableRandom r = new SplittableRandom(1);
    pool = new ClientUpdate[DISTINCT];
    for (int i = 0; i < DISTINCT; i++) {
      float[] delta = new float[dim];
      for (int j = 0; j < dim; j++) {
        delta[j] = (float) (r.nextDouble() - 0.5) * 0.01f;
      }
      pool[i] = ClientUpdate.newBuilder().setVersion(ProtocolVersions.current()).setTaskId("bench").setRound(0)
          .setDeviceId("d" + i).setExampleCount(10).setDelta(layout.toWeights(delta)).build();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.close();
  }

  private Aggregator aggregator() {
    if (dp.equals("central")) {
      return CentralDpAggregator.builder().noiseMultiplier(1.0).expectedClientsPerRound(updates)
          .fixedClipNorm(0.5).noiseKey(key).build();
    }
    return FedAvgAggregator.exampleWeighted(0.5);
  }

  @Benchmark
  public void aggregateRound(Blackhole bh) {
    Aggregator agg = aggregator();
    try (PartialAggregate p = agg.open(kernels, spec)) {
      for (int i = 0; i < updates; i++) {
        bh.consume(p.offer(pool[i % DISTINCT]));
      }
      AggregateResult r = agg.finish(p);
      bh.consume(r.meanDelta());
    }
  }

  @Benchmark
  public long readReference() {
    long acc = 0;
    for (int i = 0; i < updates; i++) {
      java.nio.ByteBuffer b = pool[i % DISTINCT].getDelta().getTensors(0).getData().asReadOnlyByteBuffer();
      for (int j = 0; j + 8 <= b.remaining(); j += 8) {
        acc += b.getLong(j);
      }
    }
    return acc;
  }
}
