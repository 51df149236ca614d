package io.trustfl.server.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Two server steps of each optimizer against an independent numpy reference (src/test/python/fedopt_reference.py). */
class ServerOptimizerTest {
  static final float[] X0 = {0.5f, -1.0f, 2.0f, 0.0f};
  static final double[][] DELTAS = {{0.1, -0.2, 0.0, 1e-4}, {0.05, 0.3, -0.4, 1e-4}};

  // Output of python3 server/src/test/python/fedopt_reference.py
  static final double[] FEDAVG_LR1 = {0.6500000357627869, -0.9000000357627869, 1.600000023841858, 0.00019999999494757503};
  static final double[] FEDAVG_LR05 = {0.574999988079071, -0.9500000476837158, 1.7999999523162842, 9.999999747378752e-05};
  static final double[] FEDADAGRAD = {0.6433281322705797, -1.0165266719526338, 1.9002496875004882, 0.009962808993361199};
  static final double[] FEDADAM = {0.7054505784479175, -1.0627055258224014, 1.902468163511758, 0.0014559693419585237};
  static final double[] FEDYOGI = {0.7050184336370411, -1.0627532267822237, 1.9024687548812873, 0.0014500599849387548};

  private static void check(ServerOptimizer opt, double[] want) {
    float[] x = X0.clone();
    for (double[] d : DELTAS) {
      opt.step(x, d);
    }
    for (int i = 0; i < x.length; i++) {
      assertEquals(want[i], x[i], 2e-7 * Math.max(1, Math.abs(want[i])), opt.name() + " coordinate " + i);
    }
    assertEquals(2, opt.state().steps());
  }

  @Test
  void fedAvg() {
    check(ServerOptimizer.fedAvg(1.0), FEDAVG_LR1);
    check(ServerOptimizer.fedAvg(0.5), FEDAVG_LR05);
  }

  @Test
  void fedAdagrad() {
    check(ServerOptimizer.fedAdagrad(), FEDADAGRAD);
  }

  @Test
  void fedAdam() {
    check(ServerOptimizer.fedAdam(), FEDADAM);
  }

  @Test
  void fedYogi() {
    check(ServerOptimizer.fedYogi(), FEDYOGI);
  }

  @Test
  void restoredStateContinuesIdentically() {
    ServerOptimizer a = ServerOptimizer.fedYogi();
    float[] x = X0.clone();
    a.step(x, DELTAS[0]);
    ServerOptimizer b = ServerOptimizer.fedYogi();
    b.restore(a.state());
    b.step(x, DELTAS[1]);
    for (int i = 0; i < x.length; i++) {
      assertEquals(FEDYOGI[i], x[i], 2e-7 * Math.max(1, Math.abs(FEDYOGI[i])));
    }
    assertThrows(IllegalArgumentException.class, () -> ServerOptimizer.fedAdam().restore(a.state()));
  }

  @Test
  void invalidArgumentsAreRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> ServerOptimizer.fedAdam(0.1, 1.0, 0.99, 1e-3));
    assertEquals("beta1 must be in [0, 1), got 1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ServerOptimizer.fedAvg(0));
    assertThrows(IllegalArgumentException.class, () -> ServerOptimizer.fedAdagrad(0.1, 0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> ServerOptimizer.fedAdam().step(new float[2], new double[] {1, Double.NaN}));
    assertThrows(IllegalArgumentException.class, () -> ServerOptimizer.fedAdam().step(new float[2], new double[3]));
  }
}
