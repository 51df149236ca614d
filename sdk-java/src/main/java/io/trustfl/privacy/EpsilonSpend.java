package io.trustfl.privacy;

/**
 * What a hypothetical spend would do to a ledger.
 *
 * @param budget the ledger's budget
 * @param spentEpsilon ε spent before the step, at the budget's δ
 * @param epsilonAfter ε the ledger would reach after the step
 */
public record EpsilonSpend(PrivacyBudget budget, double spentEpsilon, double epsilonAfter) {
  /** Whether the step stays within the budget (ε after ≤ budget ε). */
  public boolean withinBudget() {
    return epsilonAfter <= budget.epsilon();
  }

  /** Budget ε left after the step (negative when over budget). */
  public double remainingAfter() {
    return budget.epsilon() - epsilonAfter;
  }
}
