package io.trustfl.server.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** LiRA scores and per-example statistics against hand computations and synthetic Gaussian shadows. */
class LiraTest {
  @Test
  void statsFromLogitsMatchHandComputation() {
    // logits (1, 2, 0), label 1: p = e^2/(e+e^2+1); phi = 2 - log(e + 1)
    MembershipScores.Stats s = MembershipScores.of(new float[] {1, 2, 0}, new int[] {1}, 3);
    double z = Math.E + Math.exp(2) + 1;
    assertEquals(Math.exp(2) / z, s.confidence()[0], 1e-7);
    assertEquals(Math.log(z) - 2, s.loss()[0], 1e-7);
    assertEquals(2 - Math.log(Math.E + 1), s.phi()[0], 1e-7);
    assertEquals(-s.loss()[0], s.lossScores()[0], 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MembershipScores.of(new float[] {1, 2}, new int[] {2}, 2));
    assertEquals("label 0 must be in [0, 2), got 2", e.getMessage());
  }

  @Test
  void onlineAndOfflineScoresByHand() {
    // one example, shadows IN at phi 3 and 5, OUT at 0 and 2: mu_in 4, sd_in sqrt(2), mu_out 1, sd_out sqrt(2)
    double[][] phi = {{3}, {5}, {0}, {2}};
    boolean[][] in = {{true}, {true}, {false}, {false}};
    double x = 2.5;
    double sd = Math.sqrt(2);
    double online = (-0.5 * Math.pow((x - 4) / sd, 2)) - (-0.5 * Math.pow((x - 1) / sd, 2));
    assertArrayEquals(new double[] {online}, Lira.scores(phi, in, new double[] {x}, Lira.Mode.ONLINE, false), 1e-12);
    assertArrayEquals(new double[] {(x - 1) / sd},
        Lira.scores(phi, in, new double[] {x}, Lira.Mode.OFFLINE, false), 1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> Lira.scores(phi, new boolean[][] {{true}}, new double[] {x}, Lira.Mode.ONLINE, false));
  }

  @Test
  void separatesSyntheticMembersAndSitsAtChanceWithoutSignal() {
    Random rnd = new Random(5);
    int n = 2000;
    int shadows = 16;
    double[] difficulty = new double[n];
    for (int i = 0; i < n; i++) {
      difficulty[i] = 3 * rnd.nextGaussian(); // per-example offsets that defeat a global threshold
    }
    for (double shift : new double[] {1.5, 0.0}) {
      double[][] phi = new double[shadows][n];
      boolean[][] in = new boolean[shadows][n];
      for (int j = 0; j < shadows; j++) {
        for (int i = 0; i < n; i++) {
          in[j][i] = rnd.nextBoolean();
          phi[j][i] = difficulty[i] + (in[j][i] ? shift : 0) + 0.5 * rnd.nextGaussian();
        }
      }
      boolean[] member = new boolean[n];
      double[] target = new double[n];
      for (int i = 0; i < n; i++) {
        member[i] = rnd.nextBoolean();
        target[i] = difficulty[i] + (member[i] ? shift : 0) + 0.5 * rnd.nextGaussian();
      }
      for (Lira.Mode mode : Lira.Mode.values()) {
        for (boolean fixed : new boolean[] {false, true}) {
          double auc = CentralAudit.roc(Lira.scores(phi, in, target, mode, fixed), member).auc();
          double global = CentralAudit.roc(target, member).auc();
          if (shift > 0) {
            assertTrue(auc > 0.9, mode + " fixed=" + fixed + " AUC " + auc);
            assertTrue(auc > global + 0.2, "LiRA " + auc + " should beat a global threshold " + global);
          } else {
            assertEquals(0.5, auc, 0.05, mode + " fixed=" + fixed + " without signal");
          }
        }
      }
    }
  }
}
