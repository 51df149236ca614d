package io.trustfl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache avoids re-encoding (counted), keys on encoder id and text, and persists atomically. */
class EmbeddingCacheTest {
  @TempDir Path dir;

  @Test
  void repeatedEpochsDoNotReEncode() {
    CountingEncoder enc = new CountingEncoder("fake-1");
    EmbeddingCache cache = EmbeddingCache.inMemory(enc);
    List<String> epoch = List.of("book a flight", "play jazz", "book a flight", "weather");
    float[][] first = cache.encodeAll(epoch);
    assertEquals(List.of("book a flight", "play jazz", "weather"), enc.encoded);
    for (int e = 0; e < 3; e++) {
      float[][] again = cache.encodeAll(epoch);
      for (int i = 0; i < epoch.size(); i++) {
        assertArrayEquals(first[i], again[i]);
      }
    }
    assertEquals(3, enc.encoded.size());
    assertEquals(12, cache.hits());
    assertEquals(4, cache.misses());
    assertEquals(3, cache.size());
    // Returned arrays are copies: changing one does not change the cache.
    first[0][0] = -1;
    assertEquals(13f, cache.encode("book a flight")[0]);
  }

  @Test
  void keyIncludesTheEncoderId() {
    EmbeddingCache a = EmbeddingCache.inMemory(new CountingEncoder("fake-1"));
    EmbeddingCache b = EmbeddingCache.inMemory(new CountingEncoder("fake-2"));
    assertNotEquals(a.keyOf("hello"), b.keyOf("hello"));
    assertEquals(64, a.keyOf("hello").length());
  }

  @Test
  void persistsAndReloads() throws IOException {
    Path file = dir.resolve("sub/cache.bin");
    CountingEncoder enc = new CountingEncoder("fake-1");
    EmbeddingCache cache = EmbeddingCache.persistent(enc, file);
    float[][] v = cache.encodeAll(List.of("x", "yy", "zzz"));
    cache.save();
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file may remain");
    }
    CountingEncoder enc2 = new CountingEncoder("fake-1");
    EmbeddingCache reloaded = EmbeddingCache.persistent(enc2, file);
    assertEquals(3, reloaded.size());
    float[][] w = reloaded.encodeAll(List.of("zzz", "x", "yy"));
    assertArrayEquals(v[2], w[0]);
    assertArrayEquals(v[0], w[1]);
    assertEquals(0, enc2.encoded.size(), "a reloaded cache must not re-encode");
    // Saving again replaces the file atomically.
    reloaded.encode("new");
    reloaded.save();
    assertEquals(4, EmbeddingCache.persistent(new CountingEncoder("fake-1"), file).size());
  }

  @Test
  void corruptOrForeignFilesAreRejectedWithTheFix() throws IOException {
    Path file = dir.resolve("cache.bin");
    EmbeddingCache cache = EmbeddingCache.persistent(new CountingEncoder("fake-1"), file);
    cache.encode("hello");
    cache.save();
    IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
        () -> EmbeddingCache.persistent(new CountingEncoder("fake-2"), file));
    assertTrue(foreign.getMessage().contains("was written for encoder 'fake-1'"), foreign.getMessage());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    IllegalArgumentException corrupt = assertThrows(IllegalArgumentException.class,
        () -> EmbeddingCache.persistent(new CountingEncoder("fake-1"), file));
    assertTrue(corrupt.getMessage().contains("fails its sha256 check"), corrupt.getMessage());
    assertTrue(corrupt.getMessage().contains("delete"), corrupt.getMessage());
    Files.write(file, new byte[] {1, 2, 3});
    assertThrows(IllegalArgumentException.class, () -> EmbeddingCache.persistent(new CountingEncoder("fake-1"), file));
  }

  @Test
  void inMemoryCacheCannotSave() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> EmbeddingCache.inMemory(new CountingEncoder("f")).save());
    assertTrue(e.getMessage().contains("in memory only"));
  }
}
