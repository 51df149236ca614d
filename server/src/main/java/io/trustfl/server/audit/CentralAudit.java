package io.trustfl.server.audit;

import io.trustfl.data.Example;
import io.trustfl.kernels.Kernels;
import io.trustfl.model.SessionSettings;
import io.trustfl.onnx.IntentModels;
import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.privacy.RdpOrders;
import io.trustfl.proto.ModelBundle;
import io.trustfl.train.Batch;
import io.trustfl.train.DpSgdSpec;
import io.trustfl.train.Evaluation;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.OptimizerSpec;
import io.trustfl.train.TextFeatures;
import io.trustfl.train.Trainer;
import io.trustfl.train.TrainingConfig;
import io.trustfl.train.TrainingResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A centralized privacy audit of the {@code intent-bag} classifier trained through the ordinary {@link Trainer}
 * (plain or DP-SGD with RDP accounting).
 *
 * <p>{@code models} models are trained, each on an independent random half of a pool of real examples (each example
 * in with probability 1/2) plus an independent random half of the audit canaries (real utterances relabelled at
 * random, the hardest examples to fit without memorizing) plus every secret canary repeated {@code repetitions}
 * times. Each of the first {@code targets} models is attacked with the others as shadow models:
 * <ul>
 *   <li>membership inference on the pool: loss and confidence thresholds and LiRA online/offline, with and without
 *       fixed variance;</li>
 *   <li>one-run auditing (Steinke et al. 2023) on the audit canaries: LiRA-online scores, the {@code k} most likely
 *       members guessed IN and the {@code k} least likely guessed OUT ({@code k} = m/10, fixed in advance);</li>
 *   <li>a Clopper&ndash;Pearson (Jagielski et al.) bound on the canaries: threshold picked on the even-indexed
 *       canaries, counted on the odd ones (a heuristic for one run; see {@link EmpiricalEpsilon});</li>
 *   <li>exposure (exact rank among 10<sup>digits</sup> candidates) and white-box extraction of the secret canaries.</li>
 * </ul>
 * Not thread-safe.
 */
public final class CentralAudit {
  private final Kernels kernels;
  private final Consumer<String> log;

  /**
   * @param kernels the kernel backend for DP noise (not closed here)
   * @param log progress lines
   */
  public CentralAudit(Kernels kernels, Consumer<String> log) {
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * The audit's data: everything labelled with names from {@code labels}.
   *
   * @param labels class names (the model's classes, in index order)
   * @param pool candidates for membership inference, each included in a model with probability 1/2
   * @param auditCanaries examples for the one-run audit, each included with probability 1/2
   * @param secrets secret canaries, always included
   * @param test held-out examples for the accuracy column
   */
  public record Data(List<String> labels, List<Example> pool, List<Example> auditCanaries,
      List<SecretCanary> secrets, List<Example> test) {
    /** Copies the lists. */
    public Data {
      labels = List.copyOf(labels);
      pool = List.copyOf(pool);
      auditCanaries = List.copyOf(auditCanaries);
      secrets = List.copyOf(secrets);
      test = List.copyOf(test);
      if (pool.size() < 2) {
        throw new IllegalArgumentException("pool needs >= 2 examples, got " + pool.size());
      }
    }
  }

  /**
   * Results for one target model.
   *
   * @param target index of the target model
   * @param accountantEpsilon &epsilon; the accountant reports for the run (+&infin; when non-private)
   * @param testAccuracy accuracy on the test examples
   * @param loss loss-threshold attack on the pool
   * @param confidence confidence-threshold attack on the pool
   * @param liraOnline LiRA online (per-example variance)
   * @param liraOnlineFixed LiRA online (fixed variance)
   * @param liraOffline LiRA offline (per-example variance)
   * @param liraOfflineFixed LiRA offline (fixed variance)
   * @param liraOnlineRoc the LiRA-online ROC curve (for plots)
   * @param lossRoc the loss-attack ROC curve (for plots)
   * @param oneRunGuesses r of the one-run audit
   * @param oneRunCorrect v of the one-run audit
   * @param oneRunEpsilon the one-run lower bound
   * @param cpEpsilon the Clopper&ndash;Pearson bound on the held-out half of the canaries
   * @param exposures exposure of each secret canary (bits)
   * @param maxExposure log<sub>2</sub>|R|
   * @param extracted how many secret canaries model inversion recovered exactly
   * @param poolMember whether each pool example was in the target's training set
   * @param liraOnlineScores the target's LiRA-online score of each pool example
   */
  public record TargetResult(int target, double accountantEpsilon, double testAccuracy, AttackMetrics loss,
      AttackMetrics confidence, AttackMetrics liraOnline, AttackMetrics liraOnlineFixed, AttackMetrics liraOffline,
      AttackMetrics liraOfflineFixed, RocCurve liraOnlineRoc, RocCurve lossRoc, int oneRunGuesses,
      int oneRunCorrect, double oneRunEpsilon, double cpEpsilon, double[] exposures, double maxExposure,
      int extracted, boolean[] poolMember, double[] liraOnlineScores) {}

  /** Per-model observations kept for the attacks. */
  private record ModelRun(boolean[] poolIn, boolean[] canaryIn, MembershipScores.Stats pool,
      MembershipScores.Stats canaries, double epsilon, double accuracy, double[] exposures, int extracted) {}

  /** Trains the models and attacks the targets. */
  public List<TargetResult> run(Data data, AuditConfig cfg) {
    List<ModelRun> runs = new ArrayList<>();
    for (int k = 0; k < cfg.models(); k++) {
      runs.add(trainAndObserve(data, cfg, k));
    }
    List<TargetResult> out = new ArrayList<>();
    for (int t = 0; t < cfg.targets(); t++) {
      out.add(attack(data, runs, t));
    }
    return out;
  }

  private ModelRun trainAndObserve(Data data, AuditConfig cfg, int k) {
    long t0 = System.nanoTime();
    // Independent streams per model: java.util.Random seeded with nearby values (seed + k) gives correlated
    // nextBoolean() sequences, which would correlate shadow and target membership and bias LiRA and the audits.
    Random rnd = new Random(mix(cfg.seed(), k));
    boolean[] poolIn = new boolean[data.pool().size()];
    boolean[] canaryIn = new boolean[data.auditCanaries().size()];
    List<String> texts = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < poolIn.length; i++) {
      poolIn[i] = rnd.nextBoolean();
      if (poolIn[i]) {
        texts.add(data.pool().get(i).text());
        labels.add(data.pool().get(i).label());
      }
    }
    for (int i = 0; i < canaryIn.length; i++) {
      canaryIn[i] = rnd.nextBoolean();
      if (canaryIn[i]) {
        texts.add(data.auditCanaries().get(i).text());
        labels.add(data.auditCanaries().get(i).label());
      }
    }
    for (SecretCanary s : data.secrets()) {
      for (int r = 0; r < cfg.repetitions(); r++) {
        texts.add(s.text());
        labels.add(s.label());
      }
    }
    ModelBundle bundle = IntentModels.bagBundle(data.labels(), cfg.buckets(), cfg.dim(),
        mix(cfg.seed(), 1_000_000L + k), "audit");
    try (OnnxStepModel model = OnnxStepModel.open(bundle, SessionSettings.forDevices())) {
      List<String> classes = model.labels();
      var feats = TextFeatures.hash(new io.trustfl.model.HashingFeaturizer(bundle.getHashing()), texts);
      Batch train = new Batch(feats, TextFeatures.labelIndexes(labels, classes, "training"));
      TrainingConfig.Builder b = TrainingConfig.builder().epochs(cfg.epochs()).batchSize(cfg.batchSize())
          .optimizer(OptimizerSpec.Adam.withDefaults(cfg.learningRate())).patience(0).restoreBest(false)
          .shuffleSeed(rnd.nextLong());
      PrivacyLedger ledger = null;
      if (cfg.isPrivate()) {
        b.dp(DpSgdSpec.calibratedToBudget(cfg.clipNorm()));
        ledger = new PrivacyLedger(new RdpAccountant(RdpOrders.OPACUS),
            new PrivacyBudget(cfg.epsilon(), cfg.delta()));
      }
      TrainingResult r = new Trainer(kernels).train(model, model.initialParams(), train, null, b.build(), ledger);
      TextClassifier clf = new TextClassifier(model, r.params());
      MembershipScores.Stats pool = clf.stats(texts(data.pool()), indexes(data.pool(), classes));
      MembershipScores.Stats can = data.auditCanaries().isEmpty() ? null
          : clf.stats(texts(data.auditCanaries()), indexes(data.auditCanaries(), classes));
      double acc = Double.NaN;
      if (!data.test().isEmpty()) {
        Batch test = new Batch(TextFeatures.hash(clf.featurizer(), texts(data.test())),
            indexes(data.test(), classes));
        acc = Evaluation.of(model, r.params(), test).accuracy();
      }
      double[] exposures = new double[0];
      int extracted = 0;
      if (k < cfg.targets() && !data.secrets().isEmpty()) {
        exposures = new double[data.secrets().size()];
        try (ModelInversion inv = ModelInversion.open(bundle, r.params())) {
          for (int i = 0; i < exposures.length; i++) {
            SecretCanary s = data.secrets().get(i);
            exposures[i] = CanaryExposure.exact(clf, s).exposure();
            if (inv.extract(s, ModelInversion.Settings.defaults(cfg.seed() + i)).exact()) {
              extracted++;
            }
          }
        }
      }
      double eps = cfg.isPrivate() ? r.epsilonSpent() : Double.POSITIVE_INFINITY;
      log.accept(String.format(java.util.Locale.ROOT,
          "eps %s model %d: %d training examples, %d steps, sigma %.3f, eps spent %.3f, test acc %.3f, %.1f s",
          cfg.isPrivate() ? Double.toString(cfg.epsilon()) : "inf", k, texts.size(), r.steps(),
          r.noiseMultiplier(), eps, acc, (System.nanoTime() - t0) / 1e9));
      return new ModelRun(poolIn, canaryIn, pool, can, eps, acc, exposures, extracted);
    }
  }

  private TargetResult attack(Data data, List<ModelRun> runs, int t) {
    ModelRun target = runs.get(t);
    List<ModelRun> shadows = new ArrayList<>(runs);
    shadows.remove(t);
    double[][] phi = new double[shadows.size()][];
    boolean[][] in = new boolean[shadows.size()][];
    for (int j = 0; j < shadows.size(); j++) {
      phi[j] = shadows.get(j).pool().phi();
      in[j] = shadows.get(j).poolIn();
    }
    boolean[] member = target.poolIn();
    AttackMetrics loss = roc(target.pool().lossScores(), member).metrics();
    RocCurve lossRoc = roc(target.pool().lossScores(), member);
    AttackMetrics conf = roc(target.pool().confidence(), member).metrics();
    double[] onScores = Lira.scores(phi, in, target.pool().phi(), Lira.Mode.ONLINE, false);
    RocCurve onRoc = roc(onScores, member);
    AttackMetrics onFixed = roc(Lira.scores(phi, in, target.pool().phi(), Lira.Mode.ONLINE, true), member)
        .metrics();
    AttackMetrics off = roc(Lira.scores(phi, in, target.pool().phi(), Lira.Mode.OFFLINE, false), member).metrics();
    AttackMetrics offFixed = roc(Lira.scores(phi, in, target.pool().phi(), Lira.Mode.OFFLINE, true), member)
        .metrics();

    int guesses = 0;
    int correct = 0;
    double oneRun = 0;
    double cp = 0;
    int m = data.auditCanaries().size();
    if (m >= 10) {
      double[][] cphi = new double[shadows.size()][];
      boolean[][] cin = new boolean[shadows.size()][];
      for (int j = 0; j < shadows.size(); j++) {
        cphi[j] = shadows.get(j).canaries().phi();
        cin[j] = shadows.get(j).canaryIn();
      }
      double[] score = Lira.scores(cphi, cin, target.canaries().phi(), Lira.Mode.ONLINE, false);
      Integer[] order = new Integer[m];
      for (int i = 0; i < m; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
      int kk = m / 10;
      for (int i = 0; i < kk; i++) {
        correct += target.canaryIn()[order[i]] ? 1 : 0; // guessed IN
        correct += target.canaryIn()[order[m - 1 - i]] ? 0 : 1; // guessed OUT
      }
      guesses = 2 * kk;
      oneRun = EmpiricalEpsilon.oneRun(m, guesses, correct, 0, EmpiricalEpsilon.DEFAULT_ALPHA);
      cp = heldOutCpBound(score, target.canaryIn());
    }
    return new TargetResult(t, target.epsilon(), target.accuracy(), loss, conf, onRoc.metrics(), onFixed, off,
        offFixed, onRoc, lossRoc, guesses, correct, oneRun, cp, target.exposures(),
        data.secrets().isEmpty() ? 0 : CanaryExposure.log2(data.secrets().get(0).candidates()), target.extracted(),
        member.clone(), onScores);
  }

  /**
   * Picks the score threshold maximizing the Jagielski bound on the even-indexed canaries and evaluates that
   * threshold on the odd-indexed ones (&delta; = 0, 95%).
   */
  static double heldOutCpBound(double[] score, boolean[] in) {
    List<Integer> pick = new ArrayList<>();
    List<Integer> eval = new ArrayList<>();
    for (int i = 0; i < score.length; i++) {
      (i % 2 == 0 ? pick : eval).add(i);
    }
    double bestThreshold = Double.POSITIVE_INFINITY;
    double best = -1;
    for (int c : pick) {
      double b = cpAt(score, in, pick, score[c]);
      if (b > best) {
        best = b;
        bestThreshold = score[c];
      }
    }
    return cpAt(score, in, eval, bestThreshold);
  }

  private static double cpAt(double[] score, boolean[] in, List<Integer> idx, double threshold) {
    int pos = 0;
    int neg = 0;
    int tp = 0;
    int fp = 0;
    for (int i : idx) {
      boolean guess = score[i] >= threshold;
      if (in[i]) {
        pos++;
        tp += guess ? 1 : 0;
      } else {
        neg++;
        fp += guess ? 1 : 0;
      }
    }
    if (pos == 0 || neg == 0) {
      return 0;
    }
    return EmpiricalEpsilon.jagielski(tp, pos, fp, neg, 0, EmpiricalEpsilon.DEFAULT_ALPHA);
  }

  /** SplitMix64's finalizer over (seed, stream): well-separated seeds for independent streams. */
  static long mix(long seed, long stream) {
    long z = seed * 0x9E3779B97F4A7C15L + (stream + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static RocCurve roc(double[] scores, boolean[] member) {
    int p = 0;
    for (boolean b : member) {
      p += b ? 1 : 0;
    }
    double[] ms = new double[p];
    double[] ns = new double[member.length - p];
    int a = 0;
    int c = 0;
    for (int i = 0; i < member.length; i++) {
      if (member[i]) {
        ms[a++] = scores[i];
      } else {
        ns[c++] = scores[i];
      }
    }
    return RocCurve.of(ms, ns);
  }

  private static List<String> texts(List<Example> ex) {
    List<String> t = new ArrayList<>(ex.size());
    ex.forEach(e -> t.add(e.text()));
    return t;
  }

  private static int[] indexes(List<Example> ex, List<String> classes) {
    List<String> l = new ArrayList<>(ex.size());
    ex.forEach(e -> l.add(e.label()));
    return TextFeatures.labelIndexes(l, classes, "audit");
  }
}
