package io.trustfl.model;

/**
 * An ONNX Runtime or tokenizer failure that is not the caller's misuse: a model that cannot be loaded, a run that
 * fails inside the native library. Misuse (wrong shapes, use after close) throws {@link IllegalArgumentException}
 * or {@link IllegalStateException} instead.
 */
public final class ModelRuntimeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and, where known, how to fix it
   * @param cause the underlying native error
   */
  public ModelRuntimeException(String message, Throwable cause) {
    super(message, cause);
  }
}
