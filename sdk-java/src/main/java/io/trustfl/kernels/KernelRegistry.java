package io.trustfl.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds kernel backends with {@link ServiceLoader} and opens the best available one (cuda &gt; cpu &gt; java), or the
 * one named by the system property {@value #PROPERTY}. Asking for a backend that is missing or cannot run is an
 * error naming what is missing; there is no silent fallback from an explicit request.
 *
 * <p>Thread-safe; stateless apart from the providers' cached probes.
 */
public final class KernelRegistry {
  /** System property that selects a backend by name: {@code java}, {@code cpu} or {@code cuda}. */
  public static final String PROPERTY = "trustfl.kernels";

  private static final String[] KNOWN = {"java", "cpu", "cuda"};

  private KernelRegistry() {}

  /** What is known about one backend. */
  public record BackendInfo(String name, int priority, boolean available, String unavailableReason) {}

  /** All backends on the class path, most preferred first, with their availability. */
  public static List<BackendInfo> describe() {
    List<BackendInfo> out = new ArrayList<>();
    for (KernelProvider p : providers()) {
      Optional<String> reason = p.unavailableReason();
      out.add(new BackendInfo(p.name(), p.priority(), !reason.isPresent(), reason.orElse("")));
    }
    return out;
  }

  /** The name of the backend {@link #open()} would open now. */
  public static String selectedName() {
    String requested = requested();
    if (requested != null) {
      return requested;
    }
    return best().name();
  }

  /**
   * Opens the backend named by {@value #PROPERTY}, or the best available one when the property is unset.
   *
   * @throws KernelUnavailableException if the requested backend is missing or cannot run here
   */
  public static Kernels open() {
    String requested = requested();
    return requested != null ? open(requested) : best().open();
  }

  /**
   * Opens the named backend.
   *
   * @param name "java", "cpu" or "cuda"
   * @throws IllegalArgumentException for an unknown name
   * @throws KernelUnavailableException if that backend is not on the class path or cannot run here
   */
  public static Kernels open(String name) {
    String wanted = normalize(name);
    for (KernelProvider p : providers()) {
      if (p.name().equals(wanted)) {
        Optional<String> reason = p.unavailableReason();
        if (reason.isPresent()) {
          throw new KernelUnavailableException("kernel backend '" + wanted + "' cannot run here: " + reason.get()
              + "; available: " + availableNames() + " (select one with -D" + PROPERTY + "=NAME)");
        }
        return p.open();
      }
    }
    throw new KernelUnavailableException("kernel backend '" + wanted + "' is not on the class path: add the "
        + moduleFor(wanted) + " module; available: " + availableNames());
  }

  private static KernelProvider best() {
    for (KernelProvider p : providers()) {
      if (!p.unavailableReason().isPresent()) {
        return p;
      }
    }
    // The Java backend is part of this module and always available.
    return new JavaKernelProvider();
  }

  private static String requested() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.trim().isEmpty()) {
      return null;
    }
    return normalize(value);
  }

  private static String normalize(String name) {
    if (name == null) {
      throw new IllegalArgumentException("kernel backend name must not be null");
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (String k : KNOWN) {
      if (k.equals(n)) {
        return n;
      }
    }
    throw new IllegalArgumentException("unknown kernel backend '" + name + "' (" + PROPERTY
        + "); allowed: java, cpu, cuda");
  }

  private static String moduleFor(String name) {
    switch (name) {
      case "cpu": return "io.trustfl:trustfl-native-cpu (classifier linux-x86_64)";
      case "cuda": return "io.trustfl:trustfl-native-cuda (classifier linux-x86_64)";
      default: return "io.trustfl:trustfl-sdk";
    }
  }

  private static String availableNames() {
    List<String> names = new ArrayList<>();
    for (KernelProvider p : providers()) {
      if (!p.unavailableReason().isPresent()) {
        names.add(p.name());
      }
    }
    return String.join(", ", names);
  }

  private static List<KernelProvider> providers() {
    List<KernelProvider> list = new ArrayList<>();
    boolean haveJava = false;
    for (KernelProvider p : ServiceLoader.load(KernelProvider.class, KernelRegistry.class.getClassLoader())) {
      list.add(p);
      haveJava |= p.name().equals("java");
    }
    if (!haveJava) {
      list.add(new JavaKernelProvider());
    }
    list.sort(Comparator.comparingInt(KernelProvider::priority).reversed());
    return list;
  }
}
