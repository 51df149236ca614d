package io.trustfl.privacy;

import io.trustfl.proto.AccountantState;
import java.util.Objects;

/**
 * A privacy budget and the accountant spending it, as an explicit state machine: the ledger is {@link Status#OPEN}
 * while steps can still be taken and {@link Status#EXHAUSTED} once the spent ε reaches the budget. The only
 * transition is {@link #spend}, which first computes the ε the step would reach and records nothing — throwing
 * {@link PrivacyBudgetExceededException} — when that exceeds the budget. A spend, once recorded, cannot be undone.
 *
 * <p>The budget is persisted with the history ({@link #toState()} writes {@code AccountantState.delta} and
 * {@code epsilon_budget}), so a restart resumes with the same budget and spent ε; it cannot be reset.
 *
 * <p>The ledger owns a private copy of its accountant. Not thread-safe.
 */
public final class PrivacyLedger {
  /** Where the ledger stands. */
  public enum Status {
    /** Spent ε is below the budget: a small enough step can still be recorded. */
    OPEN,
    /** Spent ε has reached the budget: every further step is refused. */
    EXHAUSTED
  }

  private final PrivacyBudget budget;
  private PrivacyAccountant accountant;

  /**
   * A ledger over a copy of {@code accountant} (its history so far counts against the budget).
   *
   * @param accountant the accountant whose state is copied; it is not modified later
   * @param budget the (ε, δ) budget
   */
  public PrivacyLedger(PrivacyAccountant accountant, PrivacyBudget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
    this.accountant = copy(Objects.requireNonNull(accountant, "accountant"));
  }

  /**
   * Restores a ledger written by {@link #toState()}.
   *
   * @throws IllegalArgumentException if the state carries no budget (epsilon_budget = 0) or is invalid
   */
  public static PrivacyLedger fromState(AccountantState state) {
    Objects.requireNonNull(state, "state");
    if (state.getEpsilonBudget() == 0) {
      throw new IllegalArgumentException("AccountantState carries no budget (epsilon_budget = 0): it was written"
          + " by a bare accountant, not a PrivacyLedger; use Accountants.fromState or give the budget explicitly");
    }
    PrivacyBudget budget;
    try {
      budget = new PrivacyBudget(state.getEpsilonBudget(), state.getDelta());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("AccountantState budget is invalid: " + e.getMessage(), e);
    }
    PrivacyLedger ledger = new PrivacyLedger(budget);
    ledger.accountant = Accountants.fromState(state);
    return ledger;
  }

  private PrivacyLedger(PrivacyBudget budget) {
    this.budget = budget;
  }

  /** The budget. */
  public PrivacyBudget budget() {
    return budget;
  }

  /** ε spent so far at the budget's δ. */
  public double spentEpsilon() {
    return accountant.epsilon(budget.delta());
  }

  /** {@link Status#EXHAUSTED} once the spent ε has reached the budget ε. */
  public Status status() {
    return spentEpsilon() >= budget.epsilon() ? Status.EXHAUSTED : Status.OPEN;
  }

  /**
   * The ε a step would reach, without recording it.
   *
   * @param samplingRate q in (0, 1]
   * @param noiseMultiplier σ, finite and &gt; 0
   * @param steps number of steps ≥ 0
   */
  public EpsilonSpend preview(double samplingRate, double noiseMultiplier, long steps) {
    PrivacyAccountant candidate = copy(accountant);
    candidate.compose(samplingRate, noiseMultiplier, steps);
    return new EpsilonSpend(budget, spentEpsilon(), candidate.epsilon(budget.delta()));
  }

  /**
   * Records a step if it stays within the budget.
   *
   * @param samplingRate q in (0, 1]
   * @param noiseMultiplier σ, finite and &gt; 0
   * @param steps number of steps ≥ 0
   * @return the spend that was recorded
   * @throws PrivacyBudgetExceededException if the step would exceed the budget; nothing is recorded then
   */
  public EpsilonSpend spend(double samplingRate, double noiseMultiplier, long steps) {
    PrivacyAccountant candidate = copy(accountant);
    candidate.compose(samplingRate, noiseMultiplier, steps);
    EpsilonSpend s = new EpsilonSpend(budget, spentEpsilon(), candidate.epsilon(budget.delta()));
    if (!s.withinBudget()) {
      throw new PrivacyBudgetExceededException(s);
    }
    accountant = candidate;
    return s;
  }

  /** The persistent state: the accountant's history and configuration with the budget. */
  public AccountantState toState() {
    return accountant.toState().toBuilder()
        .setDelta(budget.delta())
        .setEpsilonBudget(budget.epsilon())
        .build();
  }

  /** A copy of the accountant (changing it does not affect the ledger). */
  public PrivacyAccountant accountant() {
    return copy(accountant);
  }

  private static PrivacyAccountant copy(PrivacyAccountant a) {
    return Accountants.fromState(a.toState());
  }
}
