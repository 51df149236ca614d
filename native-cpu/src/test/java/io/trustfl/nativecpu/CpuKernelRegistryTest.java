package io.trustfl.nativecpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.KernelRegistry.BackendInfo;
import io.trustfl.kernels.Kernels;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cpu backend is found by ServiceLoader, preferred to java, and selected by -Dtrustfl.kernels=cpu. */
class CpuKernelRegistryTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(KernelRegistry.PROPERTY);
  }

  @Test
  void describedAvailableWithPriority200() {
    List<BackendInfo> infos = KernelRegistry.describe();
    BackendInfo cpu = infos.stream().filter(b -> b.name().equals("cpu")).findFirst().orElseThrow();
    assertTrue(cpu.available(), "cpu backend unavailable: " + cpu.unavailableReason());
    assertEquals(200, cpu.priority());
    assertEquals("", cpu.unavailableReason());
    assertTrue(new CpuKernelProvider().unavailableReason().isEmpty());
  }

  @Test
  void propertySelectsCpu() {
    System.setProperty(KernelRegistry.PROPERTY, "cpu");
    assertEquals("cpu", KernelRegistry.selectedName());
    try (Kernels k = KernelRegistry.open()) {
      assertEquals("cpu", k.name());
      assertTrue(k instanceof CpuKernels);
    }
    System.setProperty(KernelRegistry.PROPERTY, "java");
    try (Kernels k = KernelRegistry.open()) {
      assertEquals("java", k.name());
    }
  }

  @Test
  void bestAvailableWithoutCudaIsCpu() {
    boolean cudaAvailable = KernelRegistry.describe().stream().anyMatch(b -> b.name().equals("cuda") && b.available());
    if (!cudaAvailable) {
      assertEquals("cpu", KernelRegistry.selectedName());
    }
  }

  @Test
  void instructionSetIsReported() {
    String isa = CpuKernels.instructionSet();
    assertTrue(isa.startsWith("x86-64"), isa);
  }
}
