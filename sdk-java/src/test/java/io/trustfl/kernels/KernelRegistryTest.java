package io.trustfl.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KernelRegistryTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(KernelRegistry.PROPERTY);
  }

  @Test
  void javaIsAlwaysAvailableAndSelectableByProperty() {
    System.setProperty(KernelRegistry.PROPERTY, "java");
    try (Kernels k = KernelRegistry.open()) {
      assertEquals("java", k.name());
    }
    assertTrue(KernelRegistry.describe().stream().anyMatch(b -> b.name().equals("java") && b.available()));
  }

  @Test
  void requestingAMissingBackendNamesWhatIsMissing() {
    // sdk-java's own tests run without the native modules on the class path.
    System.setProperty(KernelRegistry.PROPERTY, "cpu");
    KernelUnavailableException e = assertThrows(KernelUnavailableException.class, KernelRegistry::open);
    assertTrue(e.getMessage().contains("'cpu' is not on the class path"), e.getMessage());
    assertTrue(e.getMessage().contains("trustfl-native-cpu"), e.getMessage());
  }

  @Test
  void unknownNamesAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelRegistry.open("gpu"));
    assertTrue(e.getMessage().contains("allowed: java, cpu, cuda"), e.getMessage());
  }
}
