package io.trustfl.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CUDA failures become {@link CudaException}s naming the call and the CUDA error; runs with or without a GPU. */
class CudaErrorsTest {

  @BeforeEach
  void library() {
    NativeBuild.assumeBuilt();
    assertTrue(CudaRuntime.ensureLoaded(), () -> "JNI library did not load: " + CudaRuntime.unavailableReason());
  }

  @Test
  void errorCodesCarryTheirCudaNames() {
    CudaException e = assertThrows(CudaException.class, () -> CudaRuntime.check(2, "cudaMalloc(64 bytes)"));
    assertEquals(2, e.errorCode());
    assertEquals("cudaErrorMemoryAllocation", e.errorName());
    assertTrue(e.getMessage().startsWith("cudaMalloc(64 bytes) failed: cudaErrorMemoryAllocation ("),
        e.getMessage());
    CudaException driver = assertThrows(CudaException.class, () -> CudaRuntime.check(35, "x"));
    assertEquals("cudaErrorInsufficientDriver", driver.errorName());
    CudaRuntime.check(0, "cudaSuccess never throws");
  }

  @Test
  void withoutADeviceEveryResourceFailsWithTheDriverError() {
    if (CudaRuntime.unavailableReason().isEmpty()) {
      return; // a device is present: CudaKernelsTest covers the resources
    }
    String reason = CudaRuntime.unavailableReason().get();
    CudaException e = assertThrows(CudaException.class, () -> DeviceBuffer.allocate(1024));
    assertTrue(reason.contains(e.errorName()), e.getMessage() + " vs probe: " + reason);
    assertThrows(CudaException.class, CudaStream::new);
    assertThrows(CudaException.class, CudaEvent::new);
    assertThrows(CudaException.class, () -> new PinnedHostBuffer(1024));
    assertThrows(IllegalArgumentException.class, () -> DeviceBuffer.allocate(0));
  }
}
