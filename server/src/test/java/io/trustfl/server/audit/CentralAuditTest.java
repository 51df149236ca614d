package io.trustfl.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.data.Example;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of the attacks on a small hashed-bag model trained on synthetic random-label data (no data set needed):
 * a non-private model that memorized must be clearly attackable (MIA, exposure, extraction), and the same attacks
 * against examples it never saw, or against membership bits unrelated to training, must sit at chance.
 */
class CentralAuditTest {
  private static final List<String> LABELS = List.of("a", "b", "c", "d", "e", "f", "g", "h");
  private static List<CentralAudit.TargetResult> memorized;
  private static List<CentralAudit.TargetResult> notInserted;
  private static SecretCanary secret;

  @BeforeAll
  static void train() {
    Random rnd = new Random(11);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      words.add("w" + Integer.toString(i, 36) + (char) ('a' + rnd.nextInt(26)));
    }
    List<Example> pool = synthetic(rnd, words, 240);
    List<Example> canaries = synthetic(rnd, words, 100);
    secret = new SecretCanary("my pin code is", new int[] {4, 8, 1, 5}, "c");
    CentralAudit.Data data = new CentralAudit.Data(LABELS, pool, canaries, List.of(secret), List.of());
    try (Kernels k = new JavaKernels()) {
      CentralAudit audit = new CentralAudit(k, line -> { });
      memorized = audit.run(data, new AuditConfig(Double.POSITIVE_INFINITY, 1e-5, 1.0, 5, 1, 40, 16, 0.02, 4096,
          16, 20, 1));
      notInserted = audit.run(data, new AuditConfig(Double.POSITIVE_INFINITY, 1e-5, 1.0, 2, 1, 40, 16, 0.02, 4096,
          16, 0, 2));
    }
  }

  private static List<Example> synthetic(Random rnd, List<String> words, int n) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < 6; w++) {
        sb.append(w == 0 ? "" : " ").append(words.get(rnd.nextInt(words.size())));
      }
      out.add(new Example(sb.toString(), LABELS.get(rnd.nextInt(LABELS.size()))));
    }
    return out;
  }

  @Test
  void membershipInferenceSucceedsOnAMemorizingModel() {
    CentralAudit.TargetResult r = memorized.get(0);
    assertTrue(r.loss().auc() > 0.85, "loss attack AUC " + r.loss().auc());
    assertTrue(r.liraOnline().auc() > 0.85, "LiRA online AUC " + r.liraOnline().auc());
    assertTrue(r.liraOffline().auc() > 0.8, "LiRA offline AUC " + r.liraOffline().auc());
    assertTrue(r.liraOnline().tprAt1PctFpr() > 0.1, "LiRA TPR at 1% FPR " + r.liraOnline().tprAt1PctFpr());
    assertTrue(r.oneRunEpsilon() > 0.5, "one-run epsilon " + r.oneRunEpsilon() + " from " + r.oneRunCorrect()
        + "/" + r.oneRunGuesses());
    assertTrue(Double.isInfinite(r.accountantEpsilon()));
  }

  @Test
  void membershipInferenceAgainstUnrelatedMembershipSitsAtChance() {
    CentralAudit.TargetResult r = memorized.get(0);
    // the membership bits of an independent draw: the scores carry no information about them
    boolean[] unrelated = new boolean[r.poolMember().length];
    Random rnd = new Random(99);
    for (int i = 0; i < unrelated.length; i++) {
      unrelated[i] = rnd.nextBoolean();
    }
    double auc = CentralAudit.roc(r.liraOnlineScores(), unrelated).auc();
    assertEquals(0.5, auc, 0.1, "AUC against unrelated membership");
  }

  @Test
  void repeatedSecretIsExposedAndExtractedButAnUnseenOneIsNot() {
    CentralAudit.TargetResult r = memorized.get(0);
    double max = Math.log(1e4) / Math.log(2);
    assertEquals(max, r.maxExposure(), 1e-12);
    assertTrue(r.exposures()[0] >= max - 1, "exposure " + r.exposures()[0] + " of " + max);
    assertEquals(1, r.extracted(), "exact extraction of the memorized secret");
    CentralAudit.TargetResult control = notInserted.get(0);
    assertTrue(control.exposures()[0] < max - 3, "exposure of a never-seen secret " + control.exposures()[0]);
    assertEquals(0, control.extracted());
    assertFalse(secret.codeString().isEmpty());
  }
}
