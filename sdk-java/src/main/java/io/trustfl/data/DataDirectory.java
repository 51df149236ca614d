package io.trustfl.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;

/**
 * Where the data sets live: an explicit directory ({@code --data}), else the environment variable
 * {@value #ENV}, else the nearest {@code shared/data} directory found walking up from the working directory (so
 * {@code ../shared/data} next to a repository checkout is found from the checkout and from its modules).
 */
public final class DataDirectory {
  /** Environment variable naming the data directory. */
  public static final String ENV = "TRUSTFL_DATA_DIR";

  private DataDirectory() {}

  /**
   * Resolves the data directory from the real environment and working directory.
   *
   * @param explicit the {@code --data} value, or null
   * @throws IllegalStateException if no directory is found, or the one named does not exist (the message says how
   *     to provide one)
   */
  public static Path resolve(String explicit) {
    return resolve(explicit, System.getenv(), Paths.get("").toAbsolutePath());
  }

  /** {@link #resolve(String)} with an explicit environment and working directory (for tests). */
  public static Path resolve(String explicit, Map<String, String> env, Path workingDir) {
    if (explicit != null && !explicit.trim().isEmpty()) {
      return existing(Paths.get(explicit), "--data " + explicit);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.trim().isEmpty()) {
      return existing(Paths.get(fromEnv), ENV + "=" + fromEnv);
    }
    return findShared(workingDir).orElseThrow(() -> new IllegalStateException("no data directory: pass --data DIR,"
        + " set " + ENV + ", or place the data sets in ../shared/data next to the repository"));
  }

  /** The nearest {@code shared/data} directory in {@code start} or one of its ancestors. */
  public static Optional<Path> findShared(Path start) {
    for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("data");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Path existing(Path dir, String source) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("data directory " + dir.toAbsolutePath() + " (from " + source + ") does not"
          + " exist or is not a directory");
    }
    return dir;
  }
}
