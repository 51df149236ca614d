package io.trustfl.bench;

import io.trustfl.data.Clinc150;
import io.trustfl.data.DataDirectory;
import io.trustfl.model.MiniLmEncoder;
import io.trustfl.model.MiniLmModel;
import java.util.List;
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

/**
 * Batch-invariant sentence-encoding throughput of {@link MiniLmEncoder} (quantized all-MiniLM-L6-v2, one sentence
 * per ONNX Runtime run, {@code parallelism} runs in flight) on the first {@value #SENTENCES} CLINC150 test
 * utterances (issue 3: at least 500 sentences/s on the 2-core build machine, aim 800). The score is sentences per
 * second (one operation = one sentence, tokenization and pooling included). The embedding cache is not involved.
 *
 * <p>Needs the CLINC150 data: {@code -Dtrustfl.data=DIR} or {@code TRUSTFL_DATA_DIR}, else ../shared/data.
 * {@code java -Dai.djl.offline=true -jar bench/target/benchmarks.jar EncoderBenchmark -rf json -rff enc.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true"})
public class EncoderBenchmark {
  static final int SENTENCES = 500;

  /** Sentences encoded concurrently (each run single-threaded); 1 = strictly sequential. */
  @Param({"1", "2"})
  public int parallelism;

  private MiniLmEncoder encoder;
  private List<String> texts;

  @Setup(Level.Trial)
  public void setUp() {
    texts = Clinc150.load(DataDirectory.resolve(System.getProperty("trustfl.data")), false).test().texts()
        .subList(0, SENTENCES);
    encoder = MiniLmEncoder.builder().model(MiniLmModel.QUANTIZED).parallelism(parallelism).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    encoder.close();
  }

  @Benchmark
  @OperationsPerInvocation(SENTENCES)
  public float[][] encode() {
    return encoder.encodeAll(texts);
  }
}
