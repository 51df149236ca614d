package io.trustfl.sample;

import android.content.Context;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.BatteryManager;
import android.os.PowerManager;
import io.trustfl.client.Eligibility;
import io.trustfl.proto.EligibilityRules;
import java.util.Objects;

/**
 * The SDK's {@link Eligibility} read from the Android framework, current on every call:
 *
 * <ul>
 *   <li>charging: {@link BatteryManager#isCharging()};</li>
 *   <li>idle: the screen is off ({@link PowerManager#isInteractive()} false) or the device is dozing
 *       ({@link PowerManager#isDeviceIdleMode()}) — the user is not using it;</li>
 *   <li>unmetered: the active network has {@link NetworkCapabilities#NET_CAPABILITY_NOT_METERED};</li>
 *   <li>battery level: {@link BatteryManager#BATTERY_PROPERTY_CAPACITY} / 100.</li>
 * </ul>
 *
 * <p>Thread-safe (framework services may be called from any thread).
 */
public final class AndroidEligibility implements Eligibility {
  /** What the sample requires before it trains, whatever a plan asks: charging, idle and unmetered. */
  public static final EligibilityRules REQUIRED = EligibilityRules.newBuilder().setRequireCharging(true)
      .setRequireIdle(true).setRequireUnmeteredNetwork(true).build();

  private final BatteryManager battery;
  private final PowerManager power;
  private final ConnectivityManager connectivity;

  /** Reads the services of {@code context}. */
  public AndroidEligibility(Context context) {
    Objects.requireNonNull(context, "context");
    this.battery = service(context, Context.BATTERY_SERVICE, BatteryManager.class);
    this.power = service(context, Context.POWER_SERVICE, PowerManager.class);
    this.connectivity = service(context, Context.CONNECTIVITY_SERVICE, ConnectivityManager.class);
  }

  private static <T> T service(Context context, String name, Class<T> type) {
    Object s = context.getSystemService(name);
    if (!type.isInstance(s)) {
      throw new IllegalStateException("system service '" + name + "' is not available (got " + s + ")");
    }
    return type.cast(s);
  }

  @Override
  public boolean charging() {
    return battery.isCharging();
  }

  @Override
  public boolean idle() {
    return !power.isInteractive() || power.isDeviceIdleMode();
  }

  @Override
  public boolean unmeteredNetwork() {
    Network active = connectivity.getActiveNetwork();
    if (active == null) {
      return false;
    }
    NetworkCapabilities caps = connectivity.getNetworkCapabilities(active);
    return caps != null && caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED);
  }

  @Override
  public float batteryLevel() {
    int percent = battery.getIntProperty(BatteryManager.BATTERY_PROPERTY_CAPACITY);
    // Integer.MIN_VALUE (or 0 on some devices) when unsupported: report an unknown level as 0.
    return percent < 0 || percent > 100 ? 0f : percent / 100f;
  }
}
