package io.trustfl.model;

/**
 * A model bundle that must not be used: wrong checksum, missing or undeclared graph, inconsistent parameters or
 * labels. The message names the problem and the fix. Thrown before any session is created or any step is taken.
 */
public final class InvalidBundleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the problem and how to fix it
   */
  public InvalidBundleException(String message) {
    super(message);
  }
}
