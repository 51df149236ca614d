package io.trustfl.train;

/**
 * A stateful first-order optimizer bound to one parameter layout. Created by {@link OptimizerSpec#create(Params)}.
 * State is kept in double precision; parameters are float32. Not thread-safe.
 */
public abstract sealed class Optimizer permits Optimizer.SgdMomentum, Optimizer.AdamOptimizer {
  private final Params layout;
  private long steps;

  Optimizer(Params layout) {
    this.layout = layout.copy();
  }

  /**
   * Applies one update in place.
   *
   * @param params parameters with the layout the optimizer was created for, updated in place
   * @param gradient the (mean) gradient, one array per tensor; must be finite
   * @throws IllegalArgumentException on a layout mismatch or a non-finite gradient
   */
  public final void step(Params params, double[][] gradient) {
    layout.requireSameLayout(params);
    params.requireGradientLayout(gradient, "gradient");
    for (int t = 0; t < gradient.length; t++) {
      for (double g : gradient[t]) {
        if (!Double.isFinite(g)) {
          throw new IllegalArgumentException("gradient of '" + params.names().get(t) + "' contains " + g
              + ": refusing a non-finite update");
        }
      }
    }
    steps++;
    for (int t = 0; t < gradient.length; t++) {
      update(t, params.live(t), gradient[t], steps);
    }
  }

  /** Number of updates applied. */
  public final long steps() {
    return steps;
  }

  abstract void update(int tensor, float[] theta, double[] g, long t);

  static final class SgdMomentum extends Optimizer {
    private final double lr;
    private final double mu;
    private final double[][] velocity;

    SgdMomentum(OptimizerSpec.Sgd spec, Params params) {
      super(params);
      this.lr = spec.learningRate();
      this.mu = spec.momentum();
      this.velocity = params.zerosLike();
    }

    @Override
    void update(int tensor, float[] theta, double[] g, long t) {
      double[] v = velocity[tensor];
      for (int i = 0; i < theta.length; i++) {
        v[i] = mu * v[i] + g[i];
        theta[i] = (float) (theta[i] - lr * v[i]);
      }
    }
  }

  static final class AdamOptimizer extends Optimizer {
    private final OptimizerSpec.Adam spec;
    private final double[][] m;
    private final double[][] v;

    AdamOptimizer(OptimizerSpec.Adam spec, Params params) {
      super(params);
      this.spec = spec;
      this.m = params.zerosLike();
      this.v = params.zerosLike();
    }

    @Override
    void update(int tensor, float[] theta, double[] g, long t) {
      double b1 = spec.beta1();
      double b2 = spec.beta2();
      double c1 = 1 - Math.pow(b1, t);
      double c2 = 1 - Math.pow(b2, t);
      double[] mt = m[tensor];
      double[] vt = v[tensor];
      for (int i = 0; i < theta.length; i++) {
        mt[i] = b1 * mt[i] + (1 - b1) * g[i];
        vt[i] = b2 * vt[i] + (1 - b2) * g[i] * g[i];
        double mHat = mt[i] / c1;
        double vHat = vt[i] / c2;
        theta[i] = (float) (theta[i] - spec.learningRate() * mHat / (Math.sqrt(vHat) + spec.epsilon()));
      }
    }
  }
}
