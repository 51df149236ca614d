package io.trustfl.bench;

import io.trustfl.privacy.PldAccountant;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.privacy.RdpOrders;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Privacy accounting cost, from an empty accountant to ε (nothing cached between invocations):
 * <ul>
 *   <li>{@code rdpMillionSteps}: RDP ε for q = 0.004, σ = 1.1, T = 10⁶ over the Opacus orders (target &lt; 5 ms);
 *   <li>{@code pld15000Steps}: PLD ε for q = 0.004, σ = 1.1, T = 15000 at value discretization 0.01, both adjacency
 *       directions (target &lt; 3 s).
 * </ul>
 *
 * <p>{@code java -jar bench/target/benchmarks.jar AccountantBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
public class AccountantBenchmark {
  /** RDP ε after a million steps over the Opacus orders. */
  @Benchmark
  public double rdpMillionSteps() {
    RdpAccountant a = new RdpAccountant(RdpOrders.OPACUS);
    a.compose(0.004, 1.1, 1_000_000);
    return a.epsilon(1e-5);
  }

  /** PLD ε after 15000 steps at discretization 0.01. */
  @Benchmark
  public double pld15000Steps() {
    PldAccountant a = new PldAccountant(0.01);
    a.compose(0.004, 1.1, 15_000);
    return a.epsilon(1e-5);
  }
}
