package io.trustfl.server.selection;

import java.util.Objects;

/**
 * A device that checked in and is eligible this round.
 *
 * @param deviceId unique id
 * @param activity examples available on the device (its {@code CheckIn.examples_available}), ≥ 0
 */
public record Candidate(String deviceId, long activity) {
  /** Validates. */
  public Candidate {
    Objects.requireNonNull(deviceId, "deviceId");
    if (activity < 0) {
      throw new IllegalArgumentException("activity of device '" + deviceId + "' must be >= 0, got " + activity);
    }
  }
}
