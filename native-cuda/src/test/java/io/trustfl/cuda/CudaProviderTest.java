package io.trustfl.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.kernels.KernelProvider;
import io.trustfl.kernels.KernelRegistry;
import io.trustfl.kernels.KernelUnavailableException;
import io.trustfl.kernels.Kernels;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Discovery and the probe: these run on every machine, with or without a GPU. */
class CudaProviderTest {

  @Test
  void isRegisteredForServiceLoader() {
    boolean found = false;
    for (KernelProvider p : ServiceLoader.load(KernelProvider.class)) {
      found |= p instanceof CudaKernelProvider;
    }
    assertTrue(found, "META-INF/services must register CudaKernelProvider");
    CudaKernelProvider p = new CudaKernelProvider();
    assertEquals("cuda", p.name());
    assertEquals(300, p.priority());
  }

  @Test
  void nativeLibraryLoadsWithoutAGpu() {
    NativeBuild.assumeBuilt();
    // The JNI library links cudart statically and needs no driver to load; only device calls fail without one.
    assertTrue(CudaRuntime.libraryLoaded(), () -> "JNI library did not load: " + CudaRuntime.unavailableReason());
  }

  @Test
  void probeNeverThrowsAndExplainsItself() {
    Optional<String> reason = new CudaKernelProvider().unavailableReason();
    assertEquals(reason, new CudaKernelProvider().unavailableReason(), "probed once, same answer");
    KernelRegistry.BackendInfo info = KernelRegistry.describe().stream()
        .filter(b -> b.name().equals("cuda")).findFirst().orElseThrow();
    assertEquals(reason.isEmpty(), info.available());
    if (reason.isPresent()) {
      String r = reason.get();
      assertTrue(r.startsWith("no CUDA device: error ") || r.startsWith("CUDA device 0")
          || (Boolean.getBoolean("trustfl.cuda.skip") && r.startsWith("native library")), r);
      assertEquals(r, info.unavailableReason());
      KernelUnavailableException e = assertThrows(KernelUnavailableException.class,
          () -> KernelRegistry.open("cuda"));
      assertTrue(e.getMessage().contains(r), e.getMessage());
      assertThrows(KernelUnavailableException.class, () -> new CudaKernelProvider().open());
      assertThrows(IllegalStateException.class, CudaRuntime::device);
      if (System.getProperty(KernelRegistry.PROPERTY) == null) {
        assertNotEquals("cuda", KernelRegistry.selectedName(), "the registry falls back without a device");
      }
    } else {
      try (Kernels k = new CudaKernelProvider().open()) {
        assertEquals("cuda", k.name());
      }
      assertTrue(CudaRuntime.device().major() >= CudaRuntime.MIN_MAJOR);
    }
  }

  @Test
  void noDriverIsReportedAsError35() {
    Optional<String> reason = CudaRuntime.unavailableReason();
    // On a machine with the toolkit but no NVIDIA driver (CI), cudaGetDeviceCount answers error 35.
    if (reason.isPresent() && reason.get().contains("error 35")) {
      assertTrue(reason.get().contains("cudaErrorInsufficientDriver"), reason.get());
    }
    assertFalse(reason.isPresent() && reason.get().isBlank());
  }
}
