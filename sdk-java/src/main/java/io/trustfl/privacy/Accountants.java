package io.trustfl.privacy;

import io.trustfl.proto.AccountantState;
import io.trustfl.proto.ProtocolVersions;
import java.util.List;
import java.util.Objects;

/** Restores accountants from their persistent {@link AccountantState}. */
public final class Accountants {
  private Accountants() {}

  /**
   * Rebuilds the accountant a state was written by, replaying its event history.
   *
   * @param state a state from {@link PrivacyAccountant#toState()} or {@link PrivacyLedger#toState()}
   * @return an {@link RdpAccountant} or a {@link PldAccountant} with the same history
   * @throws io.trustfl.proto.ProtocolVersions.IncompatibleFormatException if the format major version is unknown
   * @throws IllegalArgumentException if the accountant name, order list, discretization or an event is invalid
   */
  public static PrivacyAccountant fromState(AccountantState state) {
    Objects.requireNonNull(state, "state");
    ProtocolVersions.check("AccountantState", state.hasVersion() ? state.getVersion() : null);
    List<EventHistory.Event> events = EventHistory.eventsOf(state);
    switch (state.getAccountant()) {
      case RdpAccountant.NAME:
        RdpOrders orders;
        try {
          orders = RdpOrders.fromId(state.getOrders());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("AccountantState for rdp: " + e.getMessage(), e);
        }
        return RdpAccountant.restore(orders, events);
      case PldAccountant.NAME:
        double h = state.getPldValueDiscretization();
        if (!(h > 0 && h < 1)) {
          throw new IllegalArgumentException("AccountantState for pld: pld_value_discretization must be in (0, 1),"
              + " got " + h);
        }
        return PldAccountant.restore(h, events);
      default:
        throw new IllegalArgumentException("AccountantState.accountant must be 'rdp' or 'pld', got '"
            + state.getAccountant() + "'");
    }
  }
}
