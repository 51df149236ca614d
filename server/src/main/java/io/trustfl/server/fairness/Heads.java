package io.trustfl.server.fairness;

import io.trustfl.fairness.PredictionSensitivity;
import io.trustfl.kernels.Kernels;
import io.trustfl.model.SessionSettings;
import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.privacy.RdpOrders;
import io.trustfl.proto.ModelBundle;
import io.trustfl.train.Batch;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.DpSgdSpec;
import io.trustfl.train.Evaluation;
import io.trustfl.train.OnnxStepModel;
import io.trustfl.train.OptimizerSpec;
import io.trustfl.train.Params;
import io.trustfl.train.Trainer;
import io.trustfl.train.TrainingConfig;
import io.trustfl.train.TrainingResult;

/** Trains MiniLM heads with the SDK's {@link Trainer} and scores them; shared by the fairness experiments. */
final class Heads {
  private Heads() {}

  /** A trained head. */
  record Trained(ModelBundle bundle, Params params, double testAccuracy, double epsilon, int epochs) {}

  /**
   * Trains {@code bundle} on dense features; DP-SGD (clip 1, σ calibrated, RDP with Opacus orders) when
   * {@code epsilon} is not null.
   */
  static Trained train(ModelBundle bundle, Batch train, Batch val, Batch test, int epochs, int batchSize, double lr,
      Double epsilon, double delta, long seed, Kernels kernels) {
    try (OnnxStepModel m = OnnxStepModel.open(bundle, SessionSettings.forDevices().withIntraOpThreads(2))) {
      TrainingConfig.Builder cfg = TrainingConfig.builder().epochs(epochs).batchSize(batchSize)
          .optimizer(OptimizerSpec.Adam.withDefaults(lr)).patience(3).shuffleSeed(seed);
      PrivacyLedger ledger = null;
      if (epsilon != null) {
        ledger = new PrivacyLedger(new RdpAccountant(RdpOrders.OPACUS), new PrivacyBudget(epsilon, delta));
        cfg.dp(DpSgdSpec.calibratedToBudget(1.0));
      }
      TrainingResult r = new Trainer(kernels).train(m, m.initialParams(), train, val, cfg.build(), ledger);
      double acc = Evaluation.of(m, r.params(), test).accuracy();
      return new Trained(bundle, r.params(), acc, epsilon == null ? 0 : r.epsilonSpent(), r.history().size());
    }
  }

  /** Softmax probabilities [n][C] of a trained head on dense features. */
  static double[][] probabilities(Trained t, DenseFeatures x) {
    try (OnnxStepModel m = OnnxStepModel.open(t.bundle(), SessionSettings.forDevices().withIntraOpThreads(2))) {
      float[] logits = m.logits(new Batch(x, new int[x.rows()]), t.params());
      int c = m.numClasses();
      double[][] p = new double[x.rows()][];
      for (int i = 0; i < x.rows(); i++) {
        double[] z = new double[c];
        for (int k = 0; k < c; k++) {
          z[k] = logits[i * c + k];
        }
        p[i] = PredictionSensitivity.softmax(z);
      }
      return p;
    }
  }
}
