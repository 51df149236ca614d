package io.trustfl.cuda;

/**
 * A CUDA runtime call failed. The message names the call, the CUDA error name (e.g.
 * {@code cudaErrorMemoryAllocation}) and its description; {@link #errorName()} and {@link #errorCode()} give them to
 * code.
 */
public final class CudaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int errorCode;
  private final String errorName;

  CudaException(String call, int errorCode, String errorName, String description) {
    super(call + " failed: " + errorName + " (" + description + ", error " + errorCode + ")");
    this.errorCode = errorCode;
    this.errorName = errorName;
  }

  /** The {@code cudaError_t} value. */
  public int errorCode() {
    return errorCode;
  }

  /** The CUDA error name, e.g. {@code cudaErrorInsufficientDriver}. */
  public String errorName() {
    return errorName;
  }
}
