package io.trustfl.kernels;

/** A kernel backend was requested that is missing or cannot run on this platform; the message says which and why. */
public final class KernelUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the backend, the reason and the fix. */
  public KernelUnavailableException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying failure. */
  public KernelUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
