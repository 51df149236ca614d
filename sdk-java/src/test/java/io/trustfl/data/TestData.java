package io.trustfl.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared data directory for tests: TRUSTFL_DATA_DIR, else ../shared/data of the repository. */
final class TestData {
  private TestData() {}

  /** The data directory; fails (never skips) with a clear message when it is missing. */
  static Path dir() {
    String env = System.getenv(DataDirectory.ENV);
    if (env != null && !env.isBlank()) {
      return DataDirectory.resolve(env);
    }
    Path found = DataDirectory.findShared(Path.of("").toAbsolutePath()).orElse(null);
    if (found == null || !Files.isDirectory(found.resolve("clinc150"))) {
      throw new AssertionError("test data not found: set " + DataDirectory.ENV + " to the directory holding"
          + " clinc150/ and snips/ (the repository expects it at ../shared/data)");
    }
    return found;
  }
}
