package io.trustfl.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.proto.EligibilityRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class EligibilityTest {
  private static final EligibilityRules ALL = EligibilityRules.newBuilder().setRequireCharging(true)
      .setRequireIdle(true).setRequireUnmeteredNetwork(true).setMinBatteryLevel(0.5f).build();

  @Test
  void eligibleWhenEveryRequiredConditionHolds() {
    Eligibility.Verdict v = Eligibility.check(ALL, Eligibility.fixed(true, true, true, 0.5f));
    assertTrue(v.eligible());
    assertEquals("", v.reason());
  }

  @Test
  void namesEveryUnmetCondition() {
    Eligibility.Verdict v = Eligibility.check(ALL, Eligibility.fixed(false, false, false, 0.2f));
    assertFalse(v.eligible());
    assertEquals(List.of("not charging", "not idle", "network is metered",
        "battery level 0.20 below the required 0.50"), v.unmet());
  }

  @Test
  void noRulesMeansAnyDeviceIsEligible() {
    assertTrue(Eligibility.check(EligibilityRules.getDefaultInstance(), Eligibility.fixed(false, false, false, 0f))
        .eligible());
  }

  @Test
  void nanBatteryFailsAMinimum() {
    Eligibility nan = new Eligibility() {
      @Override
      public boolean charging() {
        return true;
      }

      @Override
      public boolean idle() {
        return true;
      }

      @Override
      public boolean unmeteredNetwork() {
        return true;
      }

      @Override
      public float batteryLevel() {
        return Float.NaN;
      }
    };
    assertFalse(Eligibility.check(ALL, nan).eligible());
  }

  @Test
  void fixedValidatesBatteryLevel() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Eligibility.fixed(true, true, true, 1.5f));
    assertEquals("batteryLevel must be in [0, 1], got 1.5", e.getMessage());
  }

  @Test
  void deviceStateMirrorsTheConditions() {
    var s = Eligibility.fixed(true, false, true, 0.75f).toDeviceState();
    assertTrue(s.getCharging());
    assertFalse(s.getIdle());
    assertTrue(s.getUnmeteredNetwork());
    assertEquals(0.75f, s.getBatteryLevel());
  }
}
