package io.trustfl.cuda;

import org.junit.jupiter.api.Assumptions;

/** Test helper: the native tests are skipped, with the reason, only when the build was told to leave them out. */
final class NativeBuild {
  private NativeBuild() {}

  /** Skips the calling test when the module was built with {@code -Dtrustfl.cuda.skip=true}. */
  static void assumeBuilt() {
    Assumptions.assumeFalse(Boolean.getBoolean("trustfl.cuda.skip"),
        "native part not built (-Dtrustfl.cuda.skip=true)");
  }
}
