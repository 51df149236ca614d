package io.trustfl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Download-and-verify through file: URLs (never the network), and the recorded hashes against the local copies. */
class DatasetDownloaderTest {
  @TempDir Path dir;

  private static String sha256(byte[] b) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void fetchesVerifiesAndCaches() throws Exception {
    byte[] content = "{\"train\": []}".getBytes(StandardCharsets.UTF_8);
    Path upstream = Files.write(dir.resolve("upstream.json"), content);
    DatasetDownloader d = new DatasetDownloader(dir.resolve("cache"));
    DatasetDownloader.Source src = new DatasetDownloader.Source("clinc150/data_full.json", upstream.toUri(),
        sha256(content));
    Path got = d.fetch(src);
    assertEquals(dir.resolve("cache/clinc150/data_full.json"), got);
    assertArrayEquals(content, Files.readAllBytes(got));
    // Cached: a second fetch does not read the source (delete it to prove it).
    Files.delete(upstream);
    assertEquals(got, d.fetch(src));
    // No temporary files left behind.
    try (Stream<Path> files = Files.list(got.getParent())) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void wrongHashKeepsNothing() throws Exception {
    Path upstream = Files.writeString(dir.resolve("upstream.json"), "tampered");
    DatasetDownloader d = new DatasetDownloader(dir.resolve("cache"));
    DatasetDownloader.Source src = new DatasetDownloader.Source("snips/x.json", upstream.toUri(),
        sha256("original".getBytes(StandardCharsets.UTF_8)));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.fetch(src));
    assertTrue(e.getMessage().contains("was not kept"), e.getMessage());
    try (Stream<Path> files = Files.list(dir.resolve("cache/snips"))) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void corruptedCacheIsReplaced() throws Exception {
    byte[] content = "good".getBytes(StandardCharsets.UTF_8);
    Path upstream = Files.write(dir.resolve("up"), content);
    DatasetDownloader d = new DatasetDownloader(dir.resolve("cache"));
    DatasetDownloader.Source src = new DatasetDownloader.Source("a/b", upstream.toUri(), sha256(content));
    Files.createDirectories(dir.resolve("cache/a"));
    Files.writeString(dir.resolve("cache/a/b"), "bad");
    assertArrayEquals(content, Files.readAllBytes(d.fetch(src)));
  }

  @Test
  void sourcesValidate() {
    assertThrows(IllegalArgumentException.class,
        () -> new DatasetDownloader.Source("../x", dir.toUri(), "0".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> new DatasetDownloader.Source("x", dir.toUri(), "abc"));
  }

  @Test
  void recordedHashesMatchTheSharedCopies() throws Exception {
    Path data = TestData.dir();
    assertEquals(15, DatasetDownloader.CLINC150.size() + DatasetDownloader.SNIPS.size());
    for (DatasetDownloader.Source s : Stream.concat(DatasetDownloader.CLINC150.stream(),
        DatasetDownloader.SNIPS.stream()).toList()) {
      Path local = data.resolve(s.relativePath());
      assertTrue(Files.isRegularFile(local), local + " missing");
      try (InputStream in = Files.newInputStream(local)) {
        assertEquals(s.sha256(), sha256(in.readAllBytes()), s.relativePath());
      }
      assertFalse(s.url().getScheme().equals("file"));
    }
  }

  @Test
  void defaultCacheIsUnderTheUserCache() {
    assertTrue(DatasetDownloader.defaultCacheDirectory().endsWith(Path.of("trustfl", "data")));
  }

}
