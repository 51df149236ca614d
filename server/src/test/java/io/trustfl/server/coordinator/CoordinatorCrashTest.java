package io.trustfl.server.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.client.HttpTransport;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.proto.TaskPlan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real coordinator crash: the coordinator runs in a child JVM and is killed with {@code destroyForcibly()}
 * (SIGKILL) while devices are uploading; a new child JVM resumes from the state directory. Every update whose upload
 * was acknowledged before the kill must be part of the round.
 */
class CoordinatorCrashTest {
  private static final int FLEET = 40;

  @TempDir
  Path dir;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  private HttpTransport startChild(Path state) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-XX:TieredStopAtLevel=1", CoordinatorProcessMain.class.getName(), state.toString(),
        Integer.toString(FLEET), "30");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    children.add(p);
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    assertTrue(line != null && line.startsWith("READY "), "child did not start: " + line);
    int port = Integer.parseInt(line.substring(6).trim());
    return new HttpTransport(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(10), 1 << 20);
  }

  @Test
  void killedMidUploadsTheRestartedCoordinatorHasEveryAcknowledgedUpdate() throws Exception {
    Path state = dir.resolve("state");
    HttpTransport a = startChild(state);
    Map<Integer, TaskPlan> plans = new ConcurrentHashMap<>();
    CoordinatorLoopbackTest.runAll(FLEET, FLEET, i -> {
      try {
        Optional<TaskPlan> p = a.checkIn(CoordinatorLoopbackTest.checkIn("device-" + i));
        while (p.isEmpty()) {
          Thread.sleep(20);
          p = a.downloadPlan("device-" + i);
        }
        plans.put(i, p.get());
      } catch (IOException | InterruptedException e) {
        throw new AssertionError(e);
      }
    });

    // Upload from every device at once; kill the coordinator once some uploads were acknowledged.
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(FLEET);
    for (int i = 0; i < FLEET; i++) {
      int idx = i;
      pool.execute(() -> {
        try {
          Thread.sleep(idx * 5L);
          if (a.upload(CoordinatorLoopbackTest.update(plans.get(idx), "device-" + idx,
              CoordinatorLoopbackTest.delta(idx))).accepted()) {
            acked.add(idx);
          }
        } catch (IOException e) {
          // Cut off by the kill: the outcome is unknown to the device.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (acked.size() < 8 && System.nanoTime() < until) {
      Thread.sleep(1);
    }
    children.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    Set<Integer> ackedBeforeKill = Set.copyOf(acked);
    pool.shutdown();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    assertTrue(ackedBeforeKill.size() >= 8, "acked before the kill: " + ackedBeforeKill.size());
    assertTrue(ackedBeforeKill.size() < FLEET, "the kill must come before every upload was answered");

    HttpTransport b = startChild(state);
    int storedWithoutAck = 0;
    for (int i = 0; i < FLEET; i++) {
      Optional<TaskPlan> p = b.downloadPlan("device-" + i);
      if (ackedBeforeKill.contains(i)) {
        assertTrue(p.isEmpty(), "device-" + i + " was acknowledged, so the restarted coordinator has its update");
        HttpTransport.UploadResult again = b.upload(CoordinatorLoopbackTest.update(plans.get(i), "device-" + i,
            CoordinatorLoopbackTest.delta(i)));
        assertEquals("duplicate", again.reason());
      } else if (p.isPresent()) {
        // Never recorded: the device uploads again, to the new process.
        assertEquals(plans.get(i), p.get());
        assertTrue(b.upload(CoordinatorLoopbackTest.update(p.get(), "device-" + i,
            CoordinatorLoopbackTest.delta(i))).accepted());
      } else {
        // Recorded just before the kill, answer lost: allowed (at-least-once from the device's side).
        storedWithoutAck++;
      }
    }
    // Every selected device has now reported: the child closes the round early. Wait, then stop it.
    until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (b.checkIn(CoordinatorLoopbackTest.checkIn("probe")).isEmpty() && System.nanoTime() < until
        && !finished(state)) {
      Thread.sleep(50);
    }
    children.get(1).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    System.out.println("coordinator crash test: " + ackedBeforeKill.size() + " of " + FLEET + " uploads acknowledged"
        + " before the kill, " + storedWithoutAck + " recorded without their answer arriving");

    // Read the result back in this JVM.
    try (JavaKernels k = new JavaKernels();
        Coordinator c = Coordinator.open(CoordinatorLoopbackTest.config(state, FLEET, 30, FLEET,
            Duration.ofSeconds(60)).build(), k, Clock.systemUTC())) {
      assertEquals(1, c.status().roundsCompleted(), "stored without ack: " + storedWithoutAck);
      assertEquals(FLEET, c.summaries().get(0).getAccepted());
      List<float[]> all = new ArrayList<>();
      for (int i = 0; i < FLEET; i++) {
        all.add(CoordinatorLoopbackTest.delta(i));
      }
      CoordinatorLoopbackTest.assertClose(CoordinatorLoopbackTest.expectedGlobal(all),
          CoordinatorLoopbackTest.flatten(c.globalWeights()));
    }
  }

  private static boolean finished(Path state) {
    try {
      CoordinatorState s = CoordinatorState.read(state);
      return s != null && s.roundsCompleted() == 1;
    } catch (IOException e) {
      return false;
    }
  }
}
