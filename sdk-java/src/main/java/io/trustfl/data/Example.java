package io.trustfl.data;

import java.util.Objects;
import java.util.Optional;

/**
 * One labelled text.
 *
 * @param text the utterance, not null (may be empty)
 * @param label the class name, not null or blank
 * @param user the user (device) the example belongs to, or null when unknown; federated simulations group by it
 */
public record Example(String text, String label, String user) {
  /** Validates the fields. */
  public Example {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(label, "label");
    if (label.trim().isEmpty()) {
      throw new IllegalArgumentException("label must not be blank, got '" + label + "'");
    }
  }

  /** An example without a user. */
  public Example(String text, String label) {
    this(text, label, null);
  }

  /** The user, if known. */
  public Optional<String> userId() {
    return Optional.ofNullable(user);
  }
}
