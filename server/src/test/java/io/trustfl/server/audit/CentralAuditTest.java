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
  private static List<SecretCanary> secrets;

  @BeforeAll
  static void train() {
    Random rnd = new Random(11);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      words.add("w" + Integer.toString(i, 36) + (char) ('a' + rnd.nextInt(26)));
    }
    List<Example> pool = synthetic(rnd, words, 240);
    List<Example> canaries = synthetic(rnd, words, 100);
    secrets = List.of(new SecretCanary("my pin code is", new int[] {4, 8, 1, 5}, "c"),
        new SecretCanary("my pin code is", new int[] {9, 0, 2, 7}, "e"),
        new SecretCanary("my pin code is", new int[] {3, 6, 6, 1}, "g"));
    CentralAudit.Data data = new CentralAudit.Data(LABELS, pool, canaries, secrets, List.of());
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
  void repeatedSecretsAreExposedAndExtractedButUnseenOnesAreNot() {
    CentralAudit.TargetResult r = memorized.get(0);
    double max = Math.log(1e4) / Math.log(2);
    assertEquals(max, r.maxExposure(), 1e-12);
    for (double e : r.exposures()) {
      assertTrue(e >= max - 4, "exposure " + e + " of " + max + " (rank <= 16 of 10^4)");
    }
    // the attack minimizes the loss, so it can recover exactly the secrets that are the loss minimizers (rank 1)
    int rankOne = 0;
    for (double e : r.exposures()) {
      rankOne += e == max ? 1 : 0;
    }
    String what = "exact extractions " + r.extracted() + " of 3, exposures " + java.util.Arrays.toString(r.exposures());
    assertTrue(rankOne >= 1, what);
    assertTrue(r.extracted() >= rankOne, what);
    CentralAudit.TargetResult control = notInserted.get(0);
    for (double e : control.exposures()) {
      assertTrue(e < max - 5, "exposure of a never-seen secret " + e);
    }
    assertEquals(0, control.extracted());
    assertEquals(3, secrets.size());
  }
}
