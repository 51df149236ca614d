package io.trustfl.server.cli;

import io.trustfl.data.Clinc150;
import io.trustfl.data.DataDirectory;
import io.trustfl.data.DatasetSplits;
import io.trustfl.data.Example;
import io.trustfl.data.Snips;
import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.Kernels;
import io.trustfl.server.audit.AuditConfig;
import io.trustfl.server.audit.AuditReport;
import io.trustfl.server.audit.CentralAudit;
import io.trustfl.server.audit.SecretCanary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trustfl audit}: a centralized privacy audit of the intent-bag classifier at several &epsilon;: membership
 * inference (loss, confidence, LiRA), canary exposure and extraction, and empirical &epsilon; lower bounds next to
 * the accountant's &epsilon;. Writes JSON, ROC CSVs, ROC PNGs and a Markdown table.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    subcommands = {FederatedAuditCommand.class, FederatedAuditSummaryCommand.class},
    description = {"Privacy audit: membership inference (loss/confidence thresholds, LiRA online/offline),"
        + " secret-canary exposure and white-box extraction, empirical epsilon lower bounds (one-run, Clopper-Pearson)"
        + " for models trained centrally with and without DP-SGD.",
        "Each epsilon trains --models bag models on random halves of a --pool of training examples; the first"
        + " --targets of them are attacked with the others as shadow models.",
        "'trustfl audit federated' audits federated training instead (one run with canary clients)."})
final class AuditCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", defaultValue = "clinc150", description = "clinc150 or snips (default ${DEFAULT-VALUE})")
  String data;

  @Option(names = "--data-dir", description = "directory holding the data sets (default: $TRUSTFL_DATA_DIR or"
      + " ../shared/data)")
  String dataDir;

  @Option(names = "--epsilons", split = ",", defaultValue = "inf,8,3,1",
      description = "budgets to audit, 'inf' for non-private (default ${DEFAULT-VALUE})")
  List<String> epsilons;

  @Option(names = "--delta", defaultValue = "1e-5", description = "delta of the budget (default ${DEFAULT-VALUE})")
  double delta;

  @Option(names = "--clip", defaultValue = "1.0", description = "DP-SGD clip norm (default ${DEFAULT-VALUE})")
  double clip;

  @Option(names = "--pool", defaultValue = "15000", description = "membership-inference pool (default ${DEFAULT-VALUE})")
  int pool;

  @Option(names = "--canaries", defaultValue = "200",
      description = "relabelled audit canaries for the one-run bound (default ${DEFAULT-VALUE})")
  int canaries;

  @Option(names = "--secrets", defaultValue = "10", description = "secret canaries (default ${DEFAULT-VALUE})")
  int secrets;

  @Option(names = "--digits", defaultValue = "4", description = "digits per secret (default ${DEFAULT-VALUE})")
  int digits;

  @Option(names = "--prefix", defaultValue = "my pin code is",
      description = "secret template prefix (default '${DEFAULT-VALUE}')")
  String prefix;

  @Option(names = "--repetitions", defaultValue = "4",
      description = "copies of each secret in the training data (default ${DEFAULT-VALUE})")
  int repetitions;

  @Option(names = "--models", defaultValue = "8", description = "models per epsilon (default ${DEFAULT-VALUE})")
  int models;

  @Option(names = "--targets", defaultValue = "3", description = "targets (seeds) per epsilon (default ${DEFAULT-VALUE})")
  int targets;

  @Option(names = "--epochs", defaultValue = "20", description = "non-private training epochs (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "256", description = "non-private batch size (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.02", description = "non-private Adam learning rate (default ${DEFAULT-VALUE})")
  double learningRate;

  @Option(names = "--dp-epochs", defaultValue = "30", description = "epochs under DP (default ${DEFAULT-VALUE})")
  int dpEpochs;

  @Option(names = "--dp-batch-size", defaultValue = "2048",
      description = "expected batch size under DP (default ${DEFAULT-VALUE})")
  int dpBatchSize;

  @Option(names = "--dp-lr", defaultValue = "0.05", description = "Adam learning rate under DP (default ${DEFAULT-VALUE})")
  double dpLearningRate;

  @Option(names = "--buckets", defaultValue = "8192", description = "bag hash buckets (default ${DEFAULT-VALUE})")
  long buckets;

  @Option(names = "--dim", defaultValue = "16", description = "bag embedding width (default ${DEFAULT-VALUE})")
  long dim;

  @Option(names = "--seed", defaultValue = "1", description = "master seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", description = "output directory (required)")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (out == null) {
      // Not picocli-required: a required option here would also be demanded by 'audit federated'.
      throw new IllegalArgumentException("--out is required (the output directory)");
    }
    PrintWriter o = spec.commandLine().getOut();
    DatasetSplits splits = switch (data.toLowerCase(Locale.ROOT)) {
      case "clinc150" -> Clinc150.load(DataDirectory.resolve(dataDir), false);
      case "snips" -> Snips.load(DataDirectory.resolve(dataDir));
      default -> throw new IllegalArgumentException("--data must be clinc150 or snips, got '" + data + "'");
    };
    List<String> labels = new ArrayList<>(new TreeSet<>(splits.train().labels()));
    Random rnd = new Random(seed);
    List<Example> train = new ArrayList<>(splits.train().examples());
    Collections.shuffle(train, rnd);
    if (pool < 2 || pool > train.size()) {
      throw new IllegalArgumentException("--pool must be in [2, " + train.size() + "], got " + pool);
    }
    List<Example> val = new ArrayList<>(splits.validation().examples());
    Collections.shuffle(val, rnd);
    if (canaries < 0 || canaries > val.size()) {
      throw new IllegalArgumentException("--canaries must be in [0, " + val.size() + "], got " + canaries);
    }
    List<Example> audit = new ArrayList<>();
    for (Example e : val.subList(0, canaries)) {
      String wrong;
      do {
        wrong = labels.get(rnd.nextInt(labels.size()));
      } while (wrong.equals(e.label()));
      audit.add(new Example(e.text(), wrong));
    }
    List<Example> test = new ArrayList<>(splits.test().examples());
    Collections.shuffle(test, rnd);
    List<SecretCanary> secretList = SecretCanary.random(secrets, prefix, digits, labels, rnd);
    CentralAudit.Data d = new CentralAudit.Data(labels, train.subList(0, pool), audit, secretList,
        test.subList(0, Math.min(2000, test.size())));
    o.printf(Locale.ROOT, "audit on %s: %d classes, pool %d, %d audit canaries, %d secrets x %d repetitions%n",
        data, labels.size(), pool, canaries, secrets, repetitions);
    o.flush();
    Map<String, List<CentralAudit.TargetResult>> results = new LinkedHashMap<>();
    try (Kernels kernels = KernelRegistry.open()) {
      CentralAudit runner = new CentralAudit(kernels, line -> {
        o.println(line);
        o.flush();
      });
      for (String e : epsilons) {
        double eps = e.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(e);
        boolean dp = !Double.isInfinite(eps);
        AuditConfig cfg = new AuditConfig(eps, delta, clip, models, targets, dp ? dpEpochs : epochs,
            dp ? dpBatchSize : batchSize, dp ? dpLearningRate : learningRate, buckets, dim, repetitions, seed);
        results.put(e, runner.run(d, cfg));
        AuditReport.write(out, results);
      }
    }
    o.print(AuditReport.markdown(results));
    o.println("wrote " + out.resolve("audit-results.json") + ", ROC CSVs and PNGs");
    o.flush();
    return 0;
  }
}
