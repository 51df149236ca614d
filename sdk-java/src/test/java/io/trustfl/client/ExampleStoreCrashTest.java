package io.trustfl.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: a child JVM writes to a store in a loop and is killed with {@code destroyForcibly()} (SIGKILL) at
 * an arbitrary point; the store is reopened and every acknowledged example must be there, consistent.
 */
class ExampleStoreCrashTest {
  @TempDir
  Path dir;

  /** Runs the writer until it has acknowledged at least {@code minAcks} (then a little more), kills it. */
  private long runAndKill(Path store, long maxExamples, RetentionPolicy policy, long minAcks) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Xshare:auto", "-XX:TieredStopAtLevel=1", StoreWriterMain.class.getName(), store.toString(),
        Long.toString(maxExamples), policy.name());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    AtomicLong lastAck = new AtomicLong(-1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("ACK ")) {
            lastAck.set(Long.parseLong(line.substring(4)));
          }
        }
      } catch (Exception e) {
        // The process was killed mid-line; what was read counts.
      }
    });
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (lastAck.get() < minAcks && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(p.isAlive(), "writer died on its own (see stderr)");
    assertTrue(lastAck.get() >= minAcks, "writer too slow: " + lastAck.get() + " acks in 30 s");
    // Kill at an arbitrary point inside the write loop.
    Thread.sleep(System.nanoTime() % 37);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
    reader.join(5000);
    return lastAck.get();
  }

  private static void assertWellFormed(StoredExample e) {
    String[] parts = e.text().split(" ")[0].split("-");
    long i = Long.parseLong(parts[1]);
    assertEquals(StoreWriterMain.text(i), e.text());
    assertEquals(StoreWriterMain.label(i), e.label());
    if (i % 2 == 0) {
      assertArrayEquals(StoreWriterMain.embedding(i), e.embedding());
    } else {
      assertEquals(null, e.embedding());
    }
  }

  private static long index(StoredExample e) {
    return Long.parseLong(e.text().split(" ")[0].split("-")[1]);
  }

  @Test
  void uncappedStoreKeepsEveryAcknowledgedExampleAcrossTwoKills() throws Exception {
    Path store = dir.resolve("uncapped");
    long acked1 = runAndKill(store, Long.MAX_VALUE, RetentionPolicy.OLDEST_FIRST, 200);
    long acked2 = runAndKill(store, Long.MAX_VALUE, RetentionPolicy.OLDEST_FIRST, acked1 + 200);
    try (ExampleStore s = ExampleStore.open(store, StoreLimits.ofExamples(Long.MAX_VALUE,
        RetentionPolicy.OLDEST_FIRST))) {
      List<StoredExample> all = s.examples();
      // Examples 1..acked2 were acknowledged; at most the one being written when killed may also be there.
      assertTrue(all.size() >= acked2 && all.size() <= acked2 + 1, all.size() + " stored, " + acked2 + " acked");
      for (int k = 0; k < all.size(); k++) {
        assertWellFormed(all.get(k));
        assertEquals(k + 1, index(all.get(k)), "examples are in order with no gap");
      }
    }
  }

  @Test
  void cappedOldestFirstStoreHoldsExactlyTheNewestWindowAfterKillDuringEvictionAndCompaction() throws Exception {
    Path store = dir.resolve("capped");
    int cap = 40;
    // Enough adds to force several compactions (each add evicts one example once the cap is reached).
    long acked = runAndKill(store, cap, RetentionPolicy.OLDEST_FIRST, 2500);
    try (ExampleStore s = ExampleStore.open(store, StoreLimits.ofExamples(cap, RetentionPolicy.OLDEST_FIRST))) {
      List<StoredExample> all = s.examples();
      assertEquals(cap, all.size());
      long first = index(all.get(0));
      long last = index(all.get(cap - 1));
      assertTrue(last >= acked && last <= acked + 1, "newest stored " + last + ", acked " + acked);
      for (int k = 0; k < cap; k++) {
        assertWellFormed(all.get(k));
        assertEquals(first + k, index(all.get(k)), "a contiguous window of the newest examples");
      }
      assertTrue(s.offeredTotal() >= acked);
      assertTrue(s.activity().addedSinceLastCheckIn() >= acked);
    }
  }

  @Test
  void reservoirStoreIsConsistentAfterKill() throws Exception {
    Path store = dir.resolve("reservoir");
    int cap = 30;
    long acked = runAndKill(store, cap, RetentionPolicy.RESERVOIR, 600);
    try (ExampleStore s = ExampleStore.open(store, StoreLimits.ofExamples(cap, RetentionPolicy.RESERVOIR))) {
      List<StoredExample> all = s.examples();
      assertEquals(cap, all.size());
      List<Long> seen = new ArrayList<>();
      for (StoredExample e : all) {
        assertWellFormed(e);
        assertTrue(index(e) <= acked + 1, "stored example " + index(e) + ", acked " + acked);
        assertTrue(!seen.contains(index(e)), "no duplicate");
        seen.add(index(e));
      }
      assertTrue(s.offeredTotal() >= acked && s.offeredTotal() <= acked + 1,
          "offered " + s.offeredTotal() + ", acked " + acked);
    }
  }
}
