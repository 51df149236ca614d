package io.trustfl.server.aggregation;

import java.util.Objects;

/**
 * The server's decision on one client update.
 *
 * @param accepted whether the update was added to the sum
 * @param reason why it was rejected; null when accepted
 * @param detail a human-readable explanation of the rejection ("" when accepted)
 * @param norm the update's L2 norm before server clipping (NaN when it could not be measured)
 * @param clipFactor the factor the update was scaled by, {@code min(1, C/‖Δ‖)} (0 when rejected)
 */
public record UpdateVerdict(boolean accepted, RejectionReason reason, String detail, double norm,
    double clipFactor) {

  /** Checks that exactly the rejected verdicts carry a reason. */
  public UpdateVerdict {
    Objects.requireNonNull(detail, "detail");
    if (accepted != (reason == null)) {
      throw new IllegalArgumentException("an accepted verdict has no reason and a rejected one has one; got"
          + " accepted=" + accepted + " reason=" + reason);
    }
  }

  static UpdateVerdict accept(double norm, double clipFactor) {
    return new UpdateVerdict(true, null, "", norm, clipFactor);
  }

  static UpdateVerdict reject(RejectionReason reason, String detail, double norm) {
    return new UpdateVerdict(false, reason, detail, norm, 0.0);
  }
}
