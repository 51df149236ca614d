package io.trustfl.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.proto.AccountantState;
import io.trustfl.proto.DpEvent;
import io.trustfl.proto.FormatVersion;
import io.trustfl.proto.ProtocolVersions;
import org.junit.jupiter.api.Test;

/** Restoring accountants from AccountantState: versions and fields are validated with clear errors. */
class AccountantsTest {
  private static AccountantState.Builder rdpState() {
    return AccountantState.newBuilder().setVersion(ProtocolVersions.current()).setAccountant("rdp")
        .setOrders("opacus")
        .addEvents(DpEvent.newBuilder().setSamplingRate(0.04).setNoiseMultiplier(1.5).setSteps(2250));
  }

  @Test
  void restoresFromBytes() throws Exception {
    AccountantState parsed = AccountantState.parseFrom(rdpState().build().toByteArray());
    assertEquals(7.32911117143, Accountants.fromState(parsed).epsilon(1e-5), 1e-8);
  }

  @Test
  void rejectsUnknownMajorVersionAndMissingVersion() {
    AccountantState v2 = rdpState().setVersion(FormatVersion.newBuilder().setMajor(2)).build();
    assertThrows(ProtocolVersions.IncompatibleFormatException.class, () -> Accountants.fromState(v2));
    AccountantState none = rdpState().clearVersion().build();
    assertThrows(ProtocolVersions.IncompatibleFormatException.class, () -> Accountants.fromState(none));
  }

  @Test
  void rejectsBadFields() {
    assertEquals("AccountantState.accountant must be 'rdp' or 'pld', got 'moments'",
        assertThrows(IllegalArgumentException.class,
            () -> Accountants.fromState(rdpState().setAccountant("moments").build())).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Accountants.fromState(rdpState().setOrders("").build())).getMessage()
        .startsWith("AccountantState for rdp: orders must be one of"));
    assertEquals("AccountantState for pld: pld_value_discretization must be in (0, 1), got 0.0",
        assertThrows(IllegalArgumentException.class,
            () -> Accountants.fromState(rdpState().setAccountant("pld").build())).getMessage());
    AccountantState badEvent = rdpState()
        .addEvents(DpEvent.newBuilder().setSamplingRate(0.1).setNoiseMultiplier(-2).setSteps(1)).build();
    assertEquals("AccountantState event 1 is invalid: noiseMultiplier must be finite and > 0, got -2.0",
        assertThrows(IllegalArgumentException.class, () -> Accountants.fromState(badEvent)).getMessage());
    AccountantState hugeSteps = rdpState()
        .addEvents(DpEvent.newBuilder().setSamplingRate(0.1).setNoiseMultiplier(2).setSteps(-1L)).build();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Accountants.fromState(hugeSteps))
        .getMessage().startsWith("AccountantState event 1 is invalid: steps must be < 2^63"));
  }
}
