package io.trustfl.cuda;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bytedeco.javacpp.Loader;

/**
 * The one place that loads the native library and probes for a device, once per JVM. Never throws from the probe:
 * a missing library, driver or device becomes a reason string such as
 * {@code "no CUDA device: error 35 cudaErrorInsufficientDriver (CUDA driver version is insufficient for CUDA
 * runtime version)"}.
 */
public final class CudaRuntime {
  /** Lowest compute capability the fat binary runs on (sm_80 code; sm_90 code and compute_90 PTX). */
  public static final int MIN_MAJOR = 8;

  private CudaRuntime() {}

  private record Probe(boolean libraryLoaded, String unavailableReason, CudaDeviceInfo device) {}

  private static final class Holder {
    static final Probe PROBE = probe();
  }

  /** Empty when a usable CUDA device was found; otherwise why not. Never throws. */
  public static Optional<String> unavailableReason() {
    return Optional.ofNullable(Holder.PROBE.unavailableReason());
  }

  /** Whether the JNI library loaded (it loads without a GPU; only device calls then fail). */
  public static boolean libraryLoaded() {
    return Holder.PROBE.libraryLoaded();
  }

  /**
   * The device in use.
   *
   * @throws IllegalStateException when no usable device was found (the message gives the reason)
   */
  public static CudaDeviceInfo device() {
    Probe p = Holder.PROBE;
    if (p.device() == null) {
      throw new IllegalStateException("CUDA backend unavailable: " + p.unavailableReason());
    }
    return p.device();
  }

  private static Probe probe() {
    try {
      Loader.load(CudaNative.class);
    } catch (LinkageError | RuntimeException e) {
      return new Probe(false, "native library of trustfl-native-cuda failed to load (is the linux-x86_64 jar on "
          + "the class path?): " + e, null);
    }
    try {
      int[] count = new int[1];
      int err = CudaNative.tfc_device_count(count);
      if (err != 0) {
        int[] rt = new int[1];
        int[] drv = new int[1];
        CudaNative.tfc_versions(rt, drv);
        String driver = drv[0] == 0 ? "no NVIDIA driver found" : "driver supports CUDA " + version(drv[0]);
        return new Probe(true, "no CUDA device: error " + err + " " + CudaNative.tfc_error_name(err) + " ("
            + CudaNative.tfc_error_string(err) + "); runtime CUDA " + version(rt[0]) + ", " + driver, null);
      }
      if (count[0] < 1) {
        return new Probe(true, "no CUDA device: cudaGetDeviceCount found none", null);
      }
      int[] major = new int[1];
      int[] minor = new int[1];
      long[] mem = new long[1];
      int[] sms = new int[1];
      byte[] name = new byte[256];
      err = CudaNative.tfc_device_info(0, major, minor, mem, sms, name, name.length);
      if (err != 0) {
        return new Probe(true, "CUDA device 0 cannot be queried: error " + err + " "
            + CudaNative.tfc_error_name(err), null);
      }
      int len = 0;
      while (len < name.length && name[len] != 0) {
        len++;
      }
      String deviceName = new String(name, 0, len, StandardCharsets.UTF_8);
      int[] rt = new int[1];
      int[] drv = new int[1];
      CudaNative.tfc_versions(rt, drv);
      CudaDeviceInfo info = new CudaDeviceInfo(0, deviceName, major[0], minor[0], mem[0], sms[0], rt[0], drv[0]);
      if (major[0] < MIN_MAJOR) {
        return new Probe(true, "CUDA device 0 (" + deviceName + ") has compute capability " + major[0] + "."
            + minor[0] + "; this build needs " + MIN_MAJOR + ".0 or newer", null);
      }
      err = CudaNative.tfc_set_device(0);
      if (err != 0) {
        return new Probe(true, "CUDA device 0 (" + deviceName + ") cannot be used: error " + err + " "
            + CudaNative.tfc_error_name(err), null);
      }
      return new Probe(true, null, info);
    } catch (LinkageError | RuntimeException e) {
      return new Probe(true, "CUDA probe failed: " + e, null);
    }
  }

  private static String version(int v) {
    return (v / 1000) + "." + (v % 1000) / 10;
  }

  /** Throws a {@link CudaException} naming {@code call} when {@code code} is not cudaSuccess. */
  static void check(int code, String call) {
    if (code != 0) {
      throw new CudaException(call, code, CudaNative.tfc_error_name(code), CudaNative.tfc_error_string(code));
    }
  }

  /** Loads the library (for host-side helpers that need no device); false when it cannot be loaded. */
  static boolean ensureLoaded() {
    return Holder.PROBE.libraryLoaded();
  }
}
