package io.trustfl.privacy;

import io.trustfl.privacy.analysis.Adjacency;
import io.trustfl.privacy.analysis.DpParams;
import io.trustfl.privacy.analysis.PrivacyLossPmf;
import io.trustfl.proto.AccountantState;
import java.util.List;

/**
 * Privacy-loss-distribution accountant for the Poisson-subsampled Gaussian mechanism (see {@link PrivacyLossPmf}):
 * a pessimistic discretization of each event's loss, composed by FFT, in both directions of add/remove adjacency;
 * ε is the worse of the two. Tighter than RDP, and never below the true ε of the mechanism.
 *
 * <p>The composition is recomputed lazily from the (merged) event history when ε is first asked after a change,
 * so a restored accountant gives identical results. Cost: O(log T) FFTs per distinct event and direction; with
 * h = 0.01 the composition for q = 0.004, σ = 1.1, T = 15000 takes well under a second. Not thread-safe.
 */
public final class PldAccountant implements PrivacyAccountant {
  /** Name written into {@link AccountantState#getAccountant()}. */
  public static final String NAME = "pld";
  /** Google dp_accounting's default grid width. */
  public static final double DEFAULT_VALUE_DISCRETIZATION = 1e-4;

  private final double h;
  private final EventHistory history = new EventHistory();
  private PrivacyLossPmf add;
  private PrivacyLossPmf remove;

  /**
   * An empty accountant.
   *
   * @param valueDiscretization grid width h of the privacy loss, finite and &gt; 0 (the error in ε is a small
   *     multiple of h per composition at worst, and always on the pessimistic side)
   */
  public PldAccountant(double valueDiscretization) {
    if (!(valueDiscretization > 0 && valueDiscretization < 1)) {
      throw new IllegalArgumentException("valueDiscretization must be in (0, 1), got " + valueDiscretization);
    }
    this.h = valueDiscretization;
  }

  /** An empty accountant with {@link #DEFAULT_VALUE_DISCRETIZATION}. */
  public PldAccountant() {
    this(DEFAULT_VALUE_DISCRETIZATION);
  }

  /** The grid width h. */
  public double valueDiscretization() {
    return h;
  }

  @Override
  public void compose(double samplingRate, double noiseMultiplier, long steps) {
    if (history.add(samplingRate, noiseMultiplier, steps) != EventHistory.Added.NOTHING) {
      add = null;
      remove = null;
    }
  }

  @Override
  public double epsilon(double delta) {
    DpParams.delta(delta);
    if (history.size() == 0) {
      return 0;
    }
    ensureComposed();
    return Math.max(add.epsilon(delta), remove.epsilon(delta));
  }

  /**
   * δ at the given ε: the worse of the two directions.
   *
   * @param epsilon ε ≥ 0
   */
  public double delta(double epsilon) {
    if (!(epsilon >= 0)) {
      throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
    }
    if (history.size() == 0) {
      return 0;
    }
    ensureComposed();
    return Math.max(add.delta(epsilon), remove.delta(epsilon));
  }

  private void ensureComposed() {
    if (add == null) {
      add = compose(Adjacency.ADD);
      remove = compose(Adjacency.REMOVE);
    }
  }

  private PrivacyLossPmf compose(Adjacency direction) {
    PrivacyLossPmf total = null;
    for (EventHistory.Event e : history.events()) {
      PrivacyLossPmf part = PrivacyLossPmf.subsampledGaussian(e.samplingRate(), e.noiseMultiplier(), h, direction,
          e.steps());
      total = total == null ? part : total.compose(part);
    }
    return total;
  }

  @Override
  public AccountantState toState() {
    return history.toStateBuilder(NAME).setPldValueDiscretization(h).build();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Rebuilds from validated events (used by {@link Accountants#fromState}). */
  static PldAccountant restore(double h, List<EventHistory.Event> events) {
    PldAccountant a = new PldAccountant(h);
    for (EventHistory.Event e : events) {
      a.compose(e.samplingRate(), e.noiseMultiplier(), e.steps());
    }
    return a;
  }
}
