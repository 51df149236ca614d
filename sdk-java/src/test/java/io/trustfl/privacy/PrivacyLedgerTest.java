package io.trustfl.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.proto.AccountantState;
import org.junit.jupiter.api.Test;

/** Budget ledger: spends within the budget are recorded, an over-budget spend records nothing, restarts keep it. */
class PrivacyLedgerTest {
  private static final PrivacyBudget BUDGET = new PrivacyBudget(8, 1e-5);

  @Test
  void spendsUntilTheBudgetIsReached() {
    PrivacyLedger ledger = new PrivacyLedger(new RdpAccountant(), BUDGET);
    assertEquals(PrivacyLedger.Status.OPEN, ledger.status());
    EpsilonSpend preview = ledger.preview(0.04, 1.5, 2250);
    assertEquals(0, preview.spentEpsilon());
    assertEquals(7.32911117143, preview.epsilonAfter(), 1e-8);
    assertTrue(preview.withinBudget());
    assertEquals(0, ledger.spentEpsilon(), "preview records nothing");
    ledger.spend(0.04, 1.5, 2250);
    assertEquals(7.32911117143, ledger.spentEpsilon(), 1e-8);

    PrivacyBudgetExceededException ex = assertThrows(PrivacyBudgetExceededException.class,
        () -> ledger.spend(0.04, 1.5, 1000));
    assertTrue(ex.getMessage().contains("budget (epsilon=8.0, delta=1.0E-5)"), ex.getMessage());
    assertTrue(ex.getMessage().contains("epsilon already spent 7.329111171"), ex.getMessage());
    assertTrue(ex.spend().epsilonAfter() > 8);
    assertTrue(ex.getMessage().contains("the step would reach " + ex.spend().epsilonAfter()), ex.getMessage());
    assertEquals(7.32911117143, ledger.spentEpsilon(), 1e-8, "a refused spend records nothing");
    assertEquals(1, ledger.toState().getEventsCount());
  }

  @Test
  void exhaustedLedgerRefusesEverything() {
    PrivacyLedger ledger = new PrivacyLedger(new RdpAccountant(), new PrivacyBudget(0.5, 1e-5));
    assertThrows(PrivacyBudgetExceededException.class, () -> ledger.spend(1, 0.5, 1));
    assertEquals(PrivacyLedger.Status.OPEN, ledger.status());
    ledger.spend(0.01, 2, 10);
    assertTrue(ledger.spentEpsilon() < 0.5);
  }

  @Test
  void restartKeepsBudgetAndHistory() {
    PrivacyLedger ledger = new PrivacyLedger(new PldAccountant(1e-3), BUDGET);
    ledger.spend(0.01, 1.0, 100);
    AccountantState state = ledger.toState();
    assertEquals(8, state.getEpsilonBudget());
    assertEquals(1e-5, state.getDelta());
    PrivacyLedger restored = PrivacyLedger.fromState(state);
    assertEquals(BUDGET, restored.budget());
    assertEquals(ledger.spentEpsilon(), restored.spentEpsilon());
    assertTrue(restored.accountant() instanceof PldAccountant);
  }

  @Test
  void stateWithoutBudgetIsRejected() {
    RdpAccountant a = new RdpAccountant();
    a.compose(0.1, 1, 10);
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> PrivacyLedger.fromState(a.toState()));
    assertTrue(ex.getMessage().startsWith("AccountantState carries no budget"), ex.getMessage());
    AccountantState bad = a.toState().toBuilder().setEpsilonBudget(1).setDelta(2).build();
    assertEquals("AccountantState budget is invalid: delta must be in (0, 1), got 2.0",
        assertThrows(IllegalArgumentException.class, () -> PrivacyLedger.fromState(bad)).getMessage());
  }

  @Test
  void ledgerDoesNotShareTheCallersAccountant() {
    RdpAccountant mine = new RdpAccountant();
    mine.compose(0.01, 1, 10);
    PrivacyLedger ledger = new PrivacyLedger(mine, BUDGET);
    double before = ledger.spentEpsilon();
    mine.compose(0.5, 0.5, 1000);
    assertEquals(before, ledger.spentEpsilon());
  }

  @Test
  void budgetValidation() {
    assertEquals("epsilon must be finite and > 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> new PrivacyBudget(-1, 1e-5)).getMessage());
    assertEquals("delta must be in (0, 1), got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new PrivacyBudget(1, 0)).getMessage());
  }
}
