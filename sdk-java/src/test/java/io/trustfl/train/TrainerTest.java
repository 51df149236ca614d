package io.trustfl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.PrivacyBudgetExceededException;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.privacy.RdpOrders;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Behaviour of the trainer, with the test-only reference model and (where said) noise switched off. */
class TrainerTest {
  private static final int DIM = 5;
  private static final int CLASSES = 4;

  private static PrivacyLedger ledger(double epsilon) {
    return new PrivacyLedger(new RdpAccountant(RdpOrders.OPACUS), new PrivacyBudget(epsilon, 1e-5));
  }

  /** Fixed batches: epoch e, step s → a seeded random subset of exactly {@code size} indexes. */
  private static Trainer.BatchSource fixedBatches(int n, int size, int steps, long seed) {
    return new Trainer.BatchSource() {
      @Override
      public int stepsPerEpoch() {
        return steps;
      }

      @Override
      public int[] batch(int epoch, int step) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003 + epoch * 1000L + step);
        return r.ints(0, n).distinct().limit(size).sorted().toArray();
      }
    };
  }

  @Test
  void referenceModelGradientMatchesCentralDifferences() {
    SoftmaxRegression m = new SoftmaxRegression(3, 3);
    Params p = m.init(1);
    Batch b = SoftmaxRegression.blobs(4, 3, 3, 2.0, 2);
    double[][] g = m.step(b, p).gradientSum();
    double h = 1e-2; // float32 parameters: a large step keeps rounding small relative to the difference
    for (int t = 0; t < 2; t++) {
      for (int i = 0; i < p.size(t); i++) {
        float orig = p.live(t)[i];
        p.live(t)[i] = orig + (float) h;
        double up = m.step(b, p).meanLoss() * 4;
        p.live(t)[i] = orig - (float) h;
        double down = m.step(b, p).meanLoss() * 4;
        p.live(t)[i] = orig;
        assertEquals((up - down) / (2 * h), g[t][i], 2e-3, "tensor " + t + " element " + i);
      }
    }
  }

  @Test
  void plainTrainingLearnsSeparableBlobs() {
    SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
    Batch train = SoftmaxRegression.blobs(800, DIM, CLASSES, 4.0, 10);
    Batch val = SoftmaxRegression.blobs(400, DIM, CLASSES, 4.0, 11);
    double before = Evaluation.of(m, m.init(3), val).accuracy();
    TrainingResult r = new Trainer(new RecordingKernels(false)).train(m, m.init(3), train, val,
        TrainingConfig.builder().epochs(5).batchSize(32).optimizer(OptimizerSpec.Adam.withDefaults(0.05)).build());
    double after = Evaluation.of(m, r.params(), val).accuracy();
    assertTrue(after > 0.9 && after > before + 0.3, "accuracy " + before + " -> " + after);
    assertEquals(0, r.epsilonSpent());
    assertEquals(5 * 25, r.steps());
  }

  /**
   * With noise switched off (test-only kernels) and a clip norm no gradient reaches, DP-SGD on batches of exactly
   * the expected size is plain SGD: clipped sum = gradient sum and qN = |B|.
   */
  @Test
  void dpWithoutNoiseAndHugeClipEqualsPlainOnTheSameBatches() {
    int n = 200;
    int b = 20;
    Batch train = SoftmaxRegression.blobs(n, DIM, CLASSES, 2.0, 20);
    for (OptimizerSpec opt : List.of(new OptimizerSpec.Sgd(0.1, 0.9), OptimizerSpec.Adam.withDefaults(0.01))) {
      SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
      TrainingConfig plain = TrainingConfig.builder().epochs(3).batchSize(b).optimizer(opt).build();
      TrainingConfig dp = TrainingConfig.builder().epochs(3).batchSize(b).optimizer(opt)
          .dp(DpSgdSpec.withNoiseMultiplier(1e9, 1.0)).build();
      RecordingKernels silent = new RecordingKernels(true);
      TrainingResult rp = new Trainer(silent).train(m, m.init(5), train, null, plain, null,
          fixedBatches(n, b, 10, 7));
      TrainingResult rd = new Trainer(silent).train(m, m.init(5), train, null, dp, ledger(1e3),
          fixedBatches(n, b, 10, 7));
      assertEquals(30, rd.steps());
      assertEquals(30, silent.calls.size(), "every DP step asked for noise");
      for (int t = 0; t < 2; t++) {
        float[] a = rp.params().values(t);
        float[] d = rd.params().values(t);
        for (int i = 0; i < a.length; i++) {
          assertEquals(a[i], d[i], 1e-5 * Math.max(1, Math.abs(a[i])), opt + " tensor " + t + " element " + i);
        }
      }
      assertTrue(rd.epsilonSpent() > 0);
    }
  }

  /**
   * Adding one example with an enormous gradient to a batch moves one SGD step (lr 1, no noise) by at most
   * C/(qN): the clipped contribution of one example is bounded by C whatever its gradient.
   */
  @Test
  void clippingBoundsOneExamplesContribution() {
    int n = 100;
    double clip = 0.5;
    Batch base = SoftmaxRegression.blobs(n, DIM, CLASSES, 2.0, 30);
    float[] x = ((DenseFeatures) base.features()).values().clone();
    for (int d = 0; d < DIM; d++) {
      x[d] = 1e4f; // example 0: a huge input, hence a huge gradient
    }
    Batch withOutlier = new Batch(new DenseFeatures(x, n, DIM), base.labels());
    int[] batchWith = {0, 3, 5, 9, 12, 40, 41, 77, 80, 99};
    int[] batchWithout = {3, 5, 9, 12, 40, 41, 77, 80, 99};
    SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
    DpStepResult full = m.dpStep(withOutlier.select(new int[] {0}), m.init(1), clip);
    assertTrue(full.gradientNorms()[0] > 1e3, "the outlier's gradient is large: " + full.gradientNorms()[0]);
    TrainingConfig cfg = TrainingConfig.builder().epochs(1).batchSize(10).optimizer(new OptimizerSpec.Sgd(1, 0))
        .dp(DpSgdSpec.withNoiseMultiplier(clip, 1.0)).build();
    Params a = run(m, withOutlier, cfg, batchWith);
    Params b = run(m, withOutlier, cfg, batchWithout);
    double sq = 0;
    for (int t = 0; t < 2; t++) {
      float[] va = a.values(t);
      float[] vb = b.values(t);
      for (int i = 0; i < va.length; i++) {
        sq += (va[i] - vb[i]) * (double) (va[i] - vb[i]);
      }
    }
    double expectedBatch = 0.1 * n;
    assertTrue(Math.sqrt(sq) <= clip / expectedBatch * (1 + 1e-5), "change " + Math.sqrt(sq));
    assertTrue(Math.sqrt(sq) > 0.5 * clip / expectedBatch, "the outlier is clipped to C, not dropped");
  }

  private static Params run(SoftmaxRegression m, Batch data, TrainingConfig cfg, int[] batch) {
    Trainer.BatchSource one = new Trainer.BatchSource() {
      @Override
      public int stepsPerEpoch() {
        return 1;
      }

      @Override
      public int[] batch(int epoch, int step) {
        return batch;
      }
    };
    return new Trainer(new RecordingKernels(true)).train(m, m.init(1), data, null, cfg, ledger(100), one)
        .params();
  }

  @Test
  void emptyPoissonBatchesAreNoiseOnlySteps() {
    SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
    Batch train = SoftmaxRegression.blobs(50, DIM, CLASSES, 2.0, 40);
    RecordingKernels silent = new RecordingKernels(true);
    PrivacyLedger l = ledger(100);
    TrainingConfig cfg = TrainingConfig.builder().epochs(2).batchSize(5).optimizer(new OptimizerSpec.Sgd(0.1, 0))
        .dp(DpSgdSpec.withNoiseMultiplier(1.0, 2.0)).build();
    Trainer.BatchSource empty = new Trainer.BatchSource() {
      @Override
      public int stepsPerEpoch() {
        return 3;
      }

      @Override
      public int[] batch(int epoch, int step) {
        return new int[0];
      }
    };
    TrainingResult r = new Trainer(silent).train(m, m.init(2), train, null, cfg, l, empty);
    assertEquals(6, r.steps());
    assertEquals(0, m.dpCalls, "an empty batch never reaches the model");
    assertEquals(6, silent.calls.size(), "each empty step still draws noise");
    assertTrue(l.spentEpsilon() > 0, "each empty step is still accounted");
    assertEquals(m.init(2).values(0)[0], r.params().values(0)[0], "zero sum, noise off: no movement");
  }

  @Test
  void everyStepUsesAFreshNonceUnderOneSecretKey() {
    SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
    Batch train = SoftmaxRegression.blobs(300, DIM, CLASSES, 2.0, 50);
    RecordingKernels rec = new RecordingKernels(false);
    TrainingConfig cfg = TrainingConfig.builder().epochs(3).batchSize(30).patience(0)
        .dp(DpSgdSpec.withNoiseMultiplier(1.0, 1.1)).build();
    TrainingResult r = new Trainer(rec).train(m, m.init(1), train, null, cfg, ledger(50));
    assertEquals(30, r.steps());
    Set<Long> nonces = new HashSet<>();
    for (RecordingKernels.NoiseCall c : rec.calls) {
      assertTrue(nonces.add(c.nonce()), "nonce reused: " + c.nonce());
      assertEquals(0, c.firstIndex());
      assertEquals(DIM * CLASSES + CLASSES, c.length());
      assertEquals(1.1 * 1.0, c.stddev(), 1e-15);
      assertEquals(rec.calls.get(0).key(), c.key());
      assertFalse(c.key().isInsecure(), "production runs use a SecureRandom key");
    }
    RecordingKernels rec2 = new RecordingKernels(false);
    new Trainer(rec2).train(m, m.init(1), train, null, cfg, ledger(50));
    assertNotEquals(rec.calls.get(0).key(), rec2.calls.get(0).key(), "each run draws a fresh key");
  }

  @Test
  void refusesToStartAPlanOverBudgetAndSpendsNothing() {
    SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
    Batch train = SoftmaxRegression.blobs(200, DIM, CLASSES, 2.0, 60);
    PrivacyLedger l = ledger(1.0);
    TrainingConfig cfg = TrainingConfig.builder().epochs(10).batchSize(20)
        .dp(DpSgdSpec.withNoiseMultiplier(1.0, 0.5)).build();
    PrivacyBudgetExceededException e = assertThrows(PrivacyBudgetExceededException.class,
        () -> new Trainer(new RecordingKernels(false)).train(m, m.init(1), train, null, cfg, l));
    assertTrue(e.getMessage().contains("epsilon already spent 0.0"), e.getMessage());
    assertEquals(0, m.dpCalls);
    assertEquals(0, l.spentEpsilon());
  }

  @Test
  void calibratedRunSpendsTheBudgetAndAFollowUpRunIsRefused() {
    SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
    Batch train = SoftmaxRegression.blobs(400, DIM, CLASSES, 3.0, 70);
    Batch val = SoftmaxRegression.blobs(200, DIM, CLASSES, 3.0, 71);
    PrivacyLedger l = ledger(2.0);
    TrainingConfig cfg = TrainingConfig.builder().epochs(4).batchSize(40).patience(0)
        .optimizer(OptimizerSpec.Adam.withDefaults(0.05)).dp(DpSgdSpec.calibratedToBudget(1.0)).build();
    TrainingResult r = new Trainer(new RecordingKernels(false)).train(m, m.init(1), train, val, cfg, l);
    assertEquals(StopReason.COMPLETED, r.stopReason());
    assertEquals(40, r.steps());
    assertTrue(r.epsilonSpent() <= 2.0 && r.epsilonSpent() > 1.95, "spent " + r.epsilonSpent());
    assertTrue(r.noiseMultiplier() > 0.5, "sigma " + r.noiseMultiplier());
    assertEquals(r.epsilonSpent(), r.history().get(3).epsilonSpent(), 1e-12);
    PrivacyBudgetExceededException e = assertThrows(PrivacyBudgetExceededException.class,
        () -> new Trainer(new RecordingKernels(false)).train(m, r.params(), train, val,
            TrainingConfig.builder().epochs(1).batchSize(40).dp(DpSgdSpec.withNoiseMultiplier(1.0, 1.0)).build(),
            l));
    assertTrue(e.getMessage().contains("epsilon already spent " + l.spentEpsilon()), e.getMessage());
    IllegalArgumentException calib = assertThrows(IllegalArgumentException.class,
        () -> new Trainer(new RecordingKernels(false)).train(m, r.params(), train, val, cfg, l));
    assertTrue(calib.getMessage().contains("fresh ledger"), calib.getMessage());
  }

  @Test
  void dpTrainingWithRealNoiseStillLearns() {
    SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
    Batch train = SoftmaxRegression.blobs(2000, DIM, CLASSES, 4.0, 80);
    Batch val = SoftmaxRegression.blobs(500, DIM, CLASSES, 4.0, 81);
    TrainingConfig cfg = TrainingConfig.builder().epochs(5).batchSize(100).patience(0)
        .optimizer(OptimizerSpec.Adam.withDefaults(0.05)).dp(DpSgdSpec.calibratedToBudget(1.0)).build();
    TrainingResult r = new Trainer(new RecordingKernels(false)).train(m, m.init(1), train, val, cfg, ledger(8));
    assertTrue(Evaluation.of(m, r.params(), val).accuracy() > 0.85, r.history().toString());
    assertTrue(r.epsilonSpent() <= 8);
  }

  /** Validation labels that disagree with training labels: validation accuracy falls as training proceeds. */
  @Test
  void earlyStoppingRestoresTheBestEpoch() {
    SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
    Batch train = SoftmaxRegression.blobs(400, DIM, CLASSES, 3.0, 90);
    Batch clean = SoftmaxRegression.blobs(200, DIM, CLASSES, 3.0, 91);
    int[] shifted = clean.labels().clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] = i % 2 == 0 ? shifted[i] : (shifted[i] + 1) % CLASSES;
    }
    Batch val = new Batch(clean.features(), shifted);
    TrainingConfig cfg = TrainingConfig.builder().epochs(20).batchSize(20).patience(2)
        .optimizer(new OptimizerSpec.Sgd(0.02, 0)).build();
    TrainingResult r = new Trainer(new RecordingKernels(false)).train(m, m.init(1), train, val, cfg);
    assertEquals(StopReason.EARLY_STOPPED, r.stopReason(), r.message());
    assertTrue(r.history().size() < 20);
    EpochStats best = r.history().get(r.bestEpoch() - 1);
    for (EpochStats s : r.history()) {
      assertTrue(s.validationAccuracy() <= best.validationAccuracy());
    }
    assertEquals(best.validationAccuracy(), Evaluation.of(m, r.params(), val).accuracy(), 1e-12,
        "returned parameters are the best epoch's");
    assertEquals(r.history().size() - 2, r.bestEpoch(), "stopped after patience = 2 epochs without improvement");
  }

  @Test
  void badInputFailsBeforeAnyStep() {
    SoftmaxRegression m = new SoftmaxRegression(DIM, CLASSES);
    Trainer trainer = new Trainer(new RecordingKernels(false));
    TrainingConfig plain = TrainingConfig.builder().epochs(1).build();
    Batch empty = new Batch(new DenseFeatures(new float[0], 0, DIM), new int[0]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trainer.train(m, m.init(1), empty, null, plain));
    assertEquals("training data is empty: nothing to train on", e.getMessage());
    Batch bad = new Batch(new DenseFeatures(new float[2 * DIM], 2, DIM), new int[] {0, CLASSES});
    e = assertThrows(IllegalArgumentException.class, () -> trainer.train(m, m.init(1), bad, null, plain));
    assertEquals("training label 4 at row 1 is outside the model's 4 classes [0, 4)", e.getMessage());
    Batch ok = SoftmaxRegression.blobs(10, DIM, CLASSES, 1.0, 1);
    e = assertThrows(IllegalArgumentException.class, () -> trainer.train(m, m.init(1), ok, empty, plain));
    assertTrue(e.getMessage().startsWith("validation data is empty"), e.getMessage());
    TrainingConfig dp = TrainingConfig.builder().epochs(1).batchSize(5)
        .dp(DpSgdSpec.withNoiseMultiplier(1, 1)).build();
    e = assertThrows(IllegalArgumentException.class, () -> trainer.train(m, m.init(1), ok, null, dp));
    assertTrue(e.getMessage().contains("privacy ledger"), e.getMessage());
    TrainingConfig tooBig = TrainingConfig.builder().epochs(1).batchSize(11)
        .dp(DpSgdSpec.withNoiseMultiplier(1, 1)).build();
    e = assertThrows(IllegalArgumentException.class,
        () -> trainer.train(m, m.init(1), ok, null, tooBig, ledger(10)));
    assertEquals("expected batch size must be <= the number of training examples 10, got 11", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DpSgdSpec.withNoiseMultiplier(1, 0));
    assertTrue(e.getMessage().startsWith("noise multiplier must be finite and > 0, got 0.0"), e.getMessage());
    assertEquals(0, m.plainCalls + m.dpCalls);
  }

  /** Another consumer spends from the same ledger mid-run: the next epoch is not started and no update is released. */
  @Test
  void stopsWhenTheLedgerCannotAffordTheNextEpoch() {
    PrivacyLedger l = ledger(3.0);
    SoftmaxRegression inner = new SoftmaxRegression(DIM, CLASSES);
    StepModel greedyNeighbour = new StepModel() {
      @Override
      public int numClasses() {
        return CLASSES;
      }

      @Override
      public float[] logits(Batch batch, Params params) {
        return inner.logits(batch, params);
      }

      @Override
      public PlainStepResult step(Batch batch, Params params) {
        return inner.step(batch, params);
      }

      @Override
      public DpStepResult dpStep(Batch batch, Params params, double clipNorm) {
        if (inner.dpCalls == 0) {
          // Spends (greedily) all of the remaining budget it can, behind the trainer's back.
          for (int k = 1024; k >= 1; k /= 2) {
            try {
              l.spend(0.1, 2.0, k);
            } catch (PrivacyBudgetExceededException e) {
              // too much: try half
            }
          }
        }
        return inner.dpStep(batch, params, clipNorm);
      }
    };
    Batch train = SoftmaxRegression.blobs(100, DIM, CLASSES, 2.0, 95);
    TrainingConfig cfg = TrainingConfig.builder().epochs(5).batchSize(10).patience(0)
        .dp(DpSgdSpec.withNoiseMultiplier(1.0, 2.0)).build();
    RecordingKernels rec = new RecordingKernels(false);
    TrainingResult r = new Trainer(rec).train(greedyNeighbour, inner.init(1), train, null, cfg, l);
    assertEquals(StopReason.BUDGET_EXHAUSTED, r.stopReason());
    assertEquals(1, r.history().size(), "the first epoch ran, the second was refused");
    assertEquals(10, r.steps());
    assertEquals(10, rec.calls.size(), "no noised update beyond the recorded steps");
    assertTrue(r.message().startsWith("stopped before epoch 2: privacy budget exceeded"), r.message());
    assertTrue(l.spentEpsilon() <= 3.0);
  }
}
