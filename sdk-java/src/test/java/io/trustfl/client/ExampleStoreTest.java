package io.trustfl.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleStoreTest {
  @TempDir
  Path dir;

  private static List<String> texts(ExampleStore s) {
    return s.examples().stream().map(StoredExample::text).toList();
  }

  private static List<ExampleStore.NewExample> numbered(int from, int to) {
    List<ExampleStore.NewExample> l = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      l.add(new ExampleStore.NewExample("t" + i, "l", null));
    }
    return l;
  }

  @Test
  void examplesEmbeddingsAndActivitySurviveReopen() throws IOException {
    StoreLimits limits = StoreLimits.ofExamples(100, RetentionPolicy.OLDEST_FIRST);
    long id;
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      id = s.add("hello", "greet", null).stored().orElseThrow().id();
      s.add("bye", "farewell", new float[] {1f, 2f});
      assertEquals(new StoreActivity(2, 2), s.checkIn());
      s.add("hi", "greet", null);
      assertTrue(s.putEmbedding(id, new float[] {3f, 4f}));
    }
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      assertEquals(List.of("hello", "bye", "hi"), texts(s));
      assertArrayEquals(new float[] {3f, 4f}, s.get(id).orElseThrow().embedding());
      assertEquals(List.of("greet", "farewell", "greet"), s.examples().stream().map(StoredExample::label).toList());
      assertEquals(new StoreActivity(3, 1), s.activity(), "one added since the durable check-in mark");
      assertEquals(0, s.droppedTailBytes());
    }
  }

  @Test
  void oldestFirstKeepsTheNewestExamples() throws IOException {
    try (ExampleStore s = ExampleStore.open(dir, StoreLimits.ofExamples(3, RetentionPolicy.OLDEST_FIRST))) {
      List<ExampleStore.AddResult> r = s.addAll(numbered(1, 5));
      assertEquals(List.of("t3", "t4", "t5"), texts(s));
      assertEquals(List.of(), r.get(2).deleted());
      assertEquals(List.of(r.get(0).stored().orElseThrow().id()), r.get(3).deleted());
      assertEquals(new StoreActivity(3, 5), s.activity());
    }
  }

  @Test
  void byteCapCountsTextLabelAndEmbedding() throws IOException {
    // Each example: 32 overhead + 2 text + 1 label + 4*2 embedding = 43 bytes.
    StoreLimits limits = new StoreLimits(100, 100, RetentionPolicy.OLDEST_FIRST, 0);
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      s.add("t1", "l", new float[2]);
      assertEquals(43, s.storedBytes());
      s.add("t2", "l", new float[2]);
      s.add("t3", "l", new float[2]);
      assertEquals(List.of("t2", "t3"), texts(s));
      assertEquals(86, s.storedBytes());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> s.add("x".repeat(100), "l", null));
      assertEquals("example of 133 bytes exceeds the store's byte cap maxBytes=100", e.getMessage());
    }
  }

  @Test
  void cachingAnEmbeddingEnforcesTheByteCap() throws IOException {
    StoreLimits limits = new StoreLimits(100, 80, RetentionPolicy.OLDEST_FIRST, 0);
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      s.add("t1", "l", null); // 35 bytes
      long id2 = s.add("t2", "l", null).stored().orElseThrow().id();
      assertTrue(s.putEmbedding(id2, new float[4])); // t2 becomes 51 bytes: 86 > 80, t1 goes
      assertEquals(List.of("t2"), texts(s));
    }
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      assertEquals(List.of("t2"), texts(s));
      assertEquals(51, s.storedBytes());
    }
  }

  @Test
  void randomPolicyAlwaysStoresTheNewExample() throws IOException {
    try (ExampleStore s = ExampleStore.open(dir, new StoreLimits(5, Long.MAX_VALUE, RetentionPolicy.RANDOM, 3))) {
      for (int i = 1; i <= 50; i++) {
        s.add("t" + i, "l", null);
        assertEquals("t" + i, s.examples().get(s.size() - 1).text());
        assertTrue(s.size() <= 5);
      }
      assertFalse(texts(s).equals(List.of("t46", "t47", "t48", "t49", "t50")), "random, not oldest-first");
    }
  }

  @Test
  void reservoirIsAUniformSampleOfEverythingOffered() throws IOException {
    // Algorithm R keeps each of n offered examples with probability k/n. Over many seeds, the inclusion frequency
    // of early, middle and late offers must all be near k/n = 10/100 = 0.1.
    int k = 10;
    int n = 100;
    int runs = 300;
    int[] kept = new int[n + 1];
    for (int seed = 0; seed < runs; seed++) {
      Path d = dir.resolve("r" + seed);
      try (ExampleStore s = ExampleStore.open(d, new StoreLimits(k, Long.MAX_VALUE, RetentionPolicy.RESERVOIR,
          seed))) {
        s.addAll(numbered(1, n));
        assertEquals(k, s.size());
        assertEquals(n, s.offeredTotal());
        for (StoredExample e : s.examples()) {
          kept[Integer.parseInt(e.text().substring(1))]++;
        }
      }
    }
    // Pool 10 offers per bucket: each bucket's mean inclusion over 3000 trials has sd ≈ sqrt(.1*.9/3000) ≈ 0.0055.
    for (int b = 0; b < 10; b++) {
      int sum = 0;
      for (int i = b * 10 + 1; i <= b * 10 + 10; i++) {
        sum += kept[i];
      }
      double freq = sum / (10.0 * runs);
      assertEquals(0.1, freq, 0.025, "bucket " + b);
    }
  }

  @Test
  void reservoirStateSurvivesReopen() throws IOException {
    StoreLimits limits = new StoreLimits(4, Long.MAX_VALUE, RetentionPolicy.RESERVOIR, 11);
    List<String> oneGo;
    try (ExampleStore s = ExampleStore.open(dir.resolve("a"), limits)) {
      s.addAll(numbered(1, 40));
      oneGo = texts(s);
    }
    try (ExampleStore s = ExampleStore.open(dir.resolve("b"), limits)) {
      s.addAll(numbered(1, 17));
    }
    try (ExampleStore s = ExampleStore.open(dir.resolve("b"), limits)) {
      assertEquals(17, s.offeredTotal());
      s.addAll(numbered(18, 40));
      assertEquals(oneGo, texts(s), "same choices whether or not the store was reopened in between");
    }
  }

  @Test
  void tornTailIsDroppedAndOnlyIt() throws IOException {
    StoreLimits limits = StoreLimits.ofExamples(100, RetentionPolicy.OLDEST_FIRST);
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      s.addAll(numbered(1, 3));
    }
    Path log = dir.resolve(ExampleStore.LOG_NAME);
    long good = Files.size(log);
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      s.add("t4", "l", null);
    }
    long full = Files.size(log);
    // Simulate a kill in the middle of writing the fourth record: keep only part of it.
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.setLength(good + (full - good) / 2);
    }
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      assertEquals(List.of("t1", "t2", "t3"), texts(s));
      assertEquals((full - good) / 2, s.droppedTailBytes());
      s.add("t5", "l", null);
    }
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      assertEquals(List.of("t1", "t2", "t3", "t5"), texts(s), "the log continues cleanly after recovery");
      assertEquals(0, s.droppedTailBytes());
    }
  }

  @Test
  void corruptedLastRecordFailsItsChecksumAndIsDropped() throws IOException {
    StoreLimits limits = StoreLimits.ofExamples(100, RetentionPolicy.OLDEST_FIRST);
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      s.addAll(numbered(1, 3));
    }
    Path log = dir.resolve(ExampleStore.LOG_NAME);
    byte[] bytes = Files.readAllBytes(log);
    bytes[bytes.length - 6] ^= 0x20; // inside the last record's payload
    Files.write(log, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      assertEquals(List.of("t1", "t2"), texts(s));
      assertTrue(s.droppedTailBytes() > 0);
    }
  }

  @Test
  void compactionKeepsTheLiveStateAndShrinksTheLog() throws IOException {
    StoreLimits limits = StoreLimits.ofExamples(5, RetentionPolicy.OLDEST_FIRST);
    List<String> before;
    StoreActivity activity;
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      s.addAll(numbered(1, 30));
      s.checkIn();
      s.add("t31", "l", new float[] {1f});
      long sizeBefore = Files.size(dir.resolve(ExampleStore.LOG_NAME));
      s.compact();
      assertTrue(Files.size(dir.resolve(ExampleStore.LOG_NAME)) < sizeBefore);
      before = texts(s);
      activity = s.activity();
      s.add("t32", "l", null);
    }
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      assertEquals(List.of("t28", "t29", "t30", "t31", "t32"), texts(s));
      assertEquals(List.of("t27", "t28", "t29", "t30", "t31"), before);
      assertEquals(new StoreActivity(5, 1), activity);
      assertEquals(new StoreActivity(5, 2), s.activity());
      assertEquals(32, s.offeredTotal());
      assertArrayEquals(new float[] {1f}, s.examples().get(3).embedding());
    }
  }

  @Test
  void loweringTheCapDeletesOnOpen() throws IOException {
    try (ExampleStore s = ExampleStore.open(dir, StoreLimits.ofExamples(10, RetentionPolicy.OLDEST_FIRST))) {
      s.addAll(numbered(1, 6));
    }
    try (ExampleStore s = ExampleStore.open(dir, StoreLimits.ofExamples(2, RetentionPolicy.OLDEST_FIRST))) {
      assertEquals(List.of("t5", "t6"), texts(s));
    }
    try (ExampleStore s = ExampleStore.open(dir, StoreLimits.ofExamples(10, RetentionPolicy.OLDEST_FIRST))) {
      assertEquals(List.of("t5", "t6"), texts(s), "the deletions were durable");
    }
  }

  @Test
  void aDirectoryCanBeOpenedOnceAndAClosedStoreRefusesUse() throws IOException {
    StoreLimits limits = StoreLimits.ofExamples(10, RetentionPolicy.OLDEST_FIRST);
    ExampleStore s = ExampleStore.open(dir, limits);
    IOException e = assertThrows(IOException.class, () -> ExampleStore.open(dir, limits));
    assertTrue(e.getMessage().contains("already open"), e.getMessage());
    s.close();
    s.close();
    assertThrows(IllegalStateException.class, s::examples);
    try (ExampleStore again = ExampleStore.open(dir, limits)) {
      assertEquals(0, again.size());
    }
  }

  @Test
  void validatesInputs() {
    assertEquals("maxExamples must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> new StoreLimits(0, 1, RetentionPolicy.RANDOM, 0)).getMessage());
    assertEquals("label must not be blank, got ' '", assertThrows(IllegalArgumentException.class,
        () -> new ExampleStore.NewExample("t", " ", null)).getMessage());
    assertEquals("embedding element 1 is NaN: must be finite", assertThrows(IllegalArgumentException.class,
        () -> new ExampleStore.NewExample("t", "l", new float[] {0f, Float.NaN})).getMessage());
  }

  @Test
  void deleteIsDurable() throws IOException {
    StoreLimits limits = StoreLimits.ofExamples(10, RetentionPolicy.OLDEST_FIRST);
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      long id = s.add("t1", "l", null).stored().orElseThrow().id();
      s.add("t2", "l", null);
      assertTrue(s.delete(id));
      assertFalse(s.delete(id));
    }
    try (ExampleStore s = ExampleStore.open(dir, limits)) {
      assertEquals(List.of("t2"), texts(s));
    }
  }
}
