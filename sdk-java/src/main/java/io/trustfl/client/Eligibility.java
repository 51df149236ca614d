package io.trustfl.client;

import io.trustfl.proto.DeviceState;
import io.trustfl.proto.EligibilityRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The device conditions a task plan may require before training, supplied by the host app (on Android: the battery
 * manager, the power manager's idle state, the connectivity manager's metered flag). The client reads them once per
 * decision; implementations should return current values and be cheap.
 */
public interface Eligibility {
  /** Whether the device is charging. */
  boolean charging();

  /** Whether the device is idle (the user is not using it). */
  boolean idle();

  /** Whether the current network is unmetered (e.g. Wi-Fi). */
  boolean unmeteredNetwork();

  /** Battery level in [0, 1]. */
  float batteryLevel();

  /** The state to report in a {@code CheckIn}. */
  default DeviceState toDeviceState() {
    return DeviceState.newBuilder().setCharging(charging()).setIdle(idle())
        .setUnmeteredNetwork(unmeteredNetwork()).setBatteryLevel(batteryLevel()).build();
  }

  /** Fixed conditions (for simulations and tests). */
  static Eligibility fixed(boolean charging, boolean idle, boolean unmeteredNetwork, float batteryLevel) {
    if (!(batteryLevel >= 0 && batteryLevel <= 1)) {
      throw new IllegalArgumentException("batteryLevel must be in [0, 1], got " + batteryLevel);
    }
    return new Eligibility() {
      @Override
      public boolean charging() {
        return charging;
      }

      @Override
      public boolean idle() {
        return idle;
      }

      @Override
      public boolean unmeteredNetwork() {
        return unmeteredNetwork;
      }

      @Override
      public float batteryLevel() {
        return batteryLevel;
      }
    };
  }

  /** A device that meets every condition (charging, idle, unmetered, full battery). */
  static Eligibility always() {
    return fixed(true, true, true, 1f);
  }

  /**
   * Checks the device's current conditions against a plan's rules.
   *
   * @return eligible, or not with every unmet condition named
   */
  static Verdict check(EligibilityRules rules, Eligibility device) {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(device, "device");
    List<String> unmet = new ArrayList<>();
    if (rules.getRequireCharging() && !device.charging()) {
      unmet.add("not charging");
    }
    if (rules.getRequireIdle() && !device.idle()) {
      unmet.add("not idle");
    }
    if (rules.getRequireUnmeteredNetwork() && !device.unmeteredNetwork()) {
      unmet.add("network is metered");
    }
    float level = device.batteryLevel();
    if (rules.getMinBatteryLevel() > 0 && !(level >= rules.getMinBatteryLevel())) {
      unmet.add(String.format(Locale.ROOT, "battery level %.2f below the required %.2f", level,
          rules.getMinBatteryLevel()));
    }
    return new Verdict(unmet.isEmpty(), unmet);
  }

  /**
   * Whether the conditions hold.
   *
   * @param eligible true when every required condition holds
   * @param unmet the unmet conditions, in words (empty when eligible)
   */
  record Verdict(boolean eligible, List<String> unmet) {
    /** Copies the list. */
    public Verdict {
      unmet = List.copyOf(unmet);
    }

    /** The unmet conditions as one sentence ("" when eligible). */
    public String reason() {
      return String.join(", ", unmet);
    }
  }
}
