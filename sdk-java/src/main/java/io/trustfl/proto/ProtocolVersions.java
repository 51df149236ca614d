package io.trustfl.proto;

/**
 * The protocol's format version and the check every reader applies: a message whose major version differs from
 * {@link #MAJOR} is rejected with {@link IncompatibleFormatException}; any minor version is accepted, since minor
 * versions only add optional fields.
 */
public final class ProtocolVersions {
  /** Format major version written and accepted by this build. */
  public static final int MAJOR = 1;
  /** Format minor version written by this build. */
  public static final int MINOR = 0;

  private ProtocolVersions() {}

  /** The version this build writes. */
  public static FormatVersion current() {
    return FormatVersion.newBuilder().setMajor(MAJOR).setMinor(MINOR).build();
  }

  /**
   * Checks a received message's version.
   *
   * @param messageName the message type, for the error message
   * @param version the version it carries
   * @throws IncompatibleFormatException if the version is missing or its major version is not {@link #MAJOR}
   */
  public static void check(String messageName, FormatVersion version) {
    if (version == null || version.getMajor() == 0) {
      throw new IncompatibleFormatException(messageName + " carries no format version (major 0): it was not"
          + " written by a TrustFL " + MAJOR + ".x peer; upgrade the sender");
    }
    if (version.getMajor() != MAJOR) {
      throw new IncompatibleFormatException(messageName + " has format version " + version.getMajor() + "."
          + version.getMinor() + " but this build reads major version " + MAJOR + " only; "
          + (version.getMajor() > MAJOR ? "upgrade this reader" : "upgrade the sender"));
    }
  }

  /** Thrown when a message's format version cannot be read by this build. */
  public static final class IncompatibleFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the message, the versions and the fix. */
    public IncompatibleFormatException(String message) {
      super(message);
    }
  }
}
