package io.trustfl.server.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.privacy.PrivacyBudget;
import io.trustfl.privacy.PrivacyLedger;
import io.trustfl.privacy.RdpAccountant;
import io.trustfl.server.aggregation.CentralDpAggregator;
import io.trustfl.server.aggregation.OptimizerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorStateTest {
  @TempDir
  Path dir;

  private static CoordinatorState sample() {
    PrivacyLedger ledger = new PrivacyLedger(new RdpAccountant(), new PrivacyBudget(8, 1e-5));
    ledger.spend(0.01, 1.1, 3);
    return new CoordinatorState(7, 2, CoordinatorState.Phase.REPORTING, 1000, 2000, List.of("a", "b\u00e9"),
        0.125, 5, CoordinatorLoopbackTest.initial(), new OptimizerState("fedadam", 4, new double[] {1, 2},
            new double[] {3, 4}), ledger.toState(), new CentralDpAggregator.ClipState(0.4375, 6), 6, "");
  }

  @Test
  void roundTripsEveryField() throws IOException {
    CoordinatorState s = sample();
    s.write(dir);
    CoordinatorState r = CoordinatorState.read(dir);
    assertEquals(s.round(), r.round());
    assertEquals(s.attempt(), r.attempt());
    assertEquals(s.phase(), r.phase());
    assertEquals(s.deadlineMillis(), r.deadlineMillis());
    assertEquals(s.selected(), r.selected());
    assertEquals(s.samplingRate(), r.samplingRate());
    assertEquals(s.quorum(), r.quorum());
    assertEquals(s.global(), r.global());
    assertEquals(s.optimizer(), r.optimizer());
    assertEquals(s.accountant(), r.accountant());
    assertEquals(s.clipping(), r.clipping());
    assertEquals(s.roundsCompleted(), r.roundsCompleted());
    assertArrayEquals(s.optimizer().secondMoment(), r.optimizer().secondMoment());
  }

  @Test
  void aCheckpointWithoutCentralDpHasNoClipState() throws IOException {
    CoordinatorState s = sample();
    new CoordinatorState(s.round(), s.attempt(), s.phase(), s.openedMillis(), s.deadlineMillis(), s.selected(),
        s.samplingRate(), s.quorum(), s.global(), s.optimizer(), null, null, s.roundsCompleted(), "").write(dir);
    CoordinatorState r = CoordinatorState.read(dir);
    assertNull(r.clipping());
    assertNull(r.accountant());
    assertEquals(s.roundsCompleted(), r.roundsCompleted());
  }

  @Test
  void missingCheckpointIsNullAndACorruptedOneIsRefused() throws IOException {
    assertNull(CoordinatorState.read(dir));
    sample().write(dir);
    Path f = dir.resolve(CoordinatorState.FILE);
    byte[] b = Files.readAllBytes(f);
    b[40] ^= 1;
    Files.write(f, b);
    IOException e = assertThrows(IOException.class, () -> CoordinatorState.read(dir));
    assertTrue(e.getMessage().contains("fails its checksum"), e.getMessage());
  }

  @Test
  void aTaskWithAccountingCannotResumeWithoutAndViceVersa() throws IOException {
    Path state = dir.resolve("task");
    try (io.trustfl.kernels.JavaKernels k = new io.trustfl.kernels.JavaKernels()) {
      CoordinatorConfig withLedger = CoordinatorLoopbackTest.config(state, 1, 1, 1, java.time.Duration.ofSeconds(5))
          .accounting(new PrivacyLedger(new RdpAccountant(), new PrivacyBudget(8, 1e-5)), 1.0).build();
      Coordinator.open(withLedger, k, java.time.Clock.systemUTC()).close();
      CoordinatorConfig without = CoordinatorLoopbackTest.config(state, 1, 1, 1, java.time.Duration.ofSeconds(5))
          .build();
      IOException e = assertThrows(IOException.class, () -> Coordinator.open(without, k,
          java.time.Clock.systemUTC()));
      assertTrue(e.getMessage().contains("carries privacy accounting"), e.getMessage());

      Path plain = dir.resolve("plain");
      Coordinator.open(CoordinatorLoopbackTest.config(plain, 1, 1, 1, java.time.Duration.ofSeconds(5)).build(), k,
          java.time.Clock.systemUTC()).close();
      CoordinatorConfig late = CoordinatorLoopbackTest.config(plain, 1, 1, 1, java.time.Duration.ofSeconds(5))
          .accounting(new PrivacyLedger(new RdpAccountant(), new PrivacyBudget(8, 1e-5)), 1.0).build();
      e = assertThrows(IOException.class, () -> Coordinator.open(late, k, java.time.Clock.systemUTC()));
      assertTrue(e.getMessage().contains("has no accountant state"), e.getMessage());
    }
  }
}
