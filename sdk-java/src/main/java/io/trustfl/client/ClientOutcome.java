package io.trustfl.client;

import io.trustfl.proto.ClientUpdate;
import java.util.Objects;

/** What {@link FederatedClient#run} did with a task plan: an update to upload, or a refusal with its reason. */
public sealed interface ClientOutcome permits ClientOutcome.Trained, ClientOutcome.Refused {

  /**
   * The device trained and produced an update.
   *
   * @param update the update to upload
   */
  record Trained(ClientUpdate update) implements ClientOutcome {
    /** Null check. */
    public Trained {
      Objects.requireNonNull(update, "update");
    }
  }

  /**
   * The device did not train.
   *
   * @param reason why, as a category
   * @param detail the specific reason in words
   */
  record Refused(Reason reason, String detail) implements ClientOutcome {
    /** Null checks. */
    public Refused {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Why a device refused a plan. */
  enum Reason {
    /** The device does not hold a model with the plan's model id. */
    UNKNOWN_MODEL,
    /** The device holds the model id, but with another checksum (a different bundle version). */
    CHECKSUM_MISMATCH,
    /** The device's conditions do not meet the plan's eligibility rules. */
    NOT_ELIGIBLE,
    /** The store has no example with a label the model knows. */
    NO_EXAMPLES,
    /** The plan's upload deadline has passed. */
    DEADLINE_PASSED,
    /** The plan is malformed or asks for something this device cannot do (named in the detail). */
    INVALID_PLAN,
    /** Example-level DP-SGD would exceed the device's privacy budget. */
    BUDGET_EXHAUSTED
  }
}
