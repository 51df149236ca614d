package io.trustfl.privacy;

/** Thrown when a step would take a {@link PrivacyLedger} past its budget; nothing was recorded. */
public final class PrivacyBudgetExceededException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final transient EpsilonSpend spend;

  /** Creates the exception for a refused spend. */
  public PrivacyBudgetExceededException(EpsilonSpend spend) {
    super("privacy budget exceeded: budget (epsilon=" + spend.budget().epsilon() + ", delta="
        + spend.budget().delta() + "), epsilon already spent " + spend.spentEpsilon() + ", the step would reach "
        + spend.epsilonAfter() + "; nothing was recorded. Raise the noise multiplier, lower the sampling rate or"
        + " take fewer steps");
    this.spend = spend;
  }

  /** The refused spend. */
  public EpsilonSpend spend() {
    return spend;
  }
}
