package io.trustfl.data;

import java.nio.file.Path;

/** A data file that cannot be read as the expected format; the message names the file, the line and what is wrong. */
public final class MalformedDataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param file the file being read
   * @param line 1-based line number, or 0 when the problem is not tied to a line
   * @param problem what is wrong and, where possible, the fix
   */
  public MalformedDataException(Path file, long line, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem);
  }

  /** Creates the exception with a cause (e.g. the JSON parser's error). */
  public MalformedDataException(Path file, long line, String problem, Throwable cause) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem, cause);
  }
}
