package io.trustfl.privacy;

import io.trustfl.privacy.analysis.DpParams;
import io.trustfl.privacy.analysis.EpsilonResult;
import io.trustfl.privacy.analysis.Rdp;
import io.trustfl.proto.AccountantState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism (see {@link Rdp} for the math): the RDP of
 * every event is summed per order, and ε is the improved conversion minimized over the chosen order list.
 * Cost: one RDP evaluation per order per distinct event; O(events × orders) per {@link #epsilon} call.
 *
 * <p>The composed RDP is recomputed from the (merged) event history, so an accountant restored from
 * {@link #toState()} gives bit-identical results, and two stretches with equal (q, σ) give exactly the result of
 * one stretch of the summed steps. Not thread-safe.
 */
public final class RdpAccountant implements PrivacyAccountant {
  /** Name written into {@link AccountantState#getAccountant()}. */
  public static final String NAME = "rdp";

  private final RdpOrders orders;
  private final double[] orderValues;
  private final EventHistory history = new EventHistory();
  /** Per-step RDP at each order, one array per history event. */
  private final List<double[]> perStep = new ArrayList<>();

  /** An empty accountant over the given order list. */
  public RdpAccountant(RdpOrders orders) {
    this.orders = Objects.requireNonNull(orders, "orders");
    this.orderValues = orders.orders();
  }

  /** An empty accountant over the Opacus orders. */
  public RdpAccountant() {
    this(RdpOrders.OPACUS);
  }

  /** The order list in use. */
  public RdpOrders orders() {
    return orders;
  }

  @Override
  public void compose(double samplingRate, double noiseMultiplier, long steps) {
    if (history.add(samplingRate, noiseMultiplier, steps) == EventHistory.Added.APPENDED) {
      perStep.add(Rdp.rdp(samplingRate, noiseMultiplier, 1, orderValues));
    }
  }

  @Override
  public double epsilon(double delta) {
    return epsilonAndOrder(delta).epsilon();
  }

  /**
   * ε at the given δ with the order attaining it.
   *
   * @param delta δ in (0, 1)
   */
  public EpsilonResult epsilonAndOrder(double delta) {
    DpParams.delta(delta);
    return Rdp.epsilon(orderValues, rdp(), delta);
  }

  /** The composed RDP at each order of {@link #orders()} (a new array). */
  public double[] rdp() {
    double[] total = new double[orderValues.length];
    for (int e = 0; e < perStep.size(); e++) {
      long steps = history.get(e).steps();
      double[] r = perStep.get(e);
      for (int i = 0; i < total.length; i++) {
        total[i] += steps * r[i];
      }
    }
    return total;
  }

  @Override
  public AccountantState toState() {
    return history.toStateBuilder(NAME).setOrders(orders.id()).build();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Rebuilds from validated events (used by {@link Accountants#fromState}). */
  static RdpAccountant restore(RdpOrders orders, List<EventHistory.Event> events) {
    RdpAccountant a = new RdpAccountant(orders);
    for (EventHistory.Event e : events) {
      a.compose(e.samplingRate(), e.noiseMultiplier(), e.steps());
    }
    return a;
  }
}
