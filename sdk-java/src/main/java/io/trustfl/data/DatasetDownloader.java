package io.trustfl.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Downloads the canonical data files and verifies them by sha256, caching them under the user's cache directory, so
 * users with a network need no manual step. Each file is fetched to a temporary file next to its destination, its
 * sha256 checked, fsynced and atomically renamed: an interrupted or corrupted download never leaves a file that
 * looks valid. A cached file is re-hashed before use. Tests use {@code file:} URLs and never reach the network.
 *
 * <p>Thread-safe (separate downloads do not share state; two processes racing on one file both write complete,
 * verified files and the last rename wins).
 */
public final class DatasetDownloader {
  /** One downloadable file: where it goes under the cache, where it comes from, and its expected sha256 (hex). */
  public record Source(String relativePath, URI url, String sha256) {
    /** Validates the fields. */
    public Source {
      Objects.requireNonNull(relativePath, "relativePath");
      Objects.requireNonNull(url, "url");
      if (relativePath.trim().isEmpty() || Paths.get(relativePath).isAbsolute() || relativePath.contains("..")) {
        throw new IllegalArgumentException("relativePath must be a relative path without '..', got '"
            + relativePath + "'");
      }
      if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
      }
    }
  }

  private static final String CLINC_BASE =
      "https://raw.githubusercontent.com/clinc/oos-eval/828f8093932c8fe6ca7936c3d2e52903b1c523de/data/";
  private static final String SNIPS_BASE = "https://raw.githubusercontent.com/sonos/nlu-benchmark/"
      + "b86ac7f1577868c42158d0dec77db50956046696/2017-06-custom-intent-engines/";

  /** CLINC150 {@code data_full.json} at the snapshot the project's data README records. */
  public static final List<Source> CLINC150 = List.of(new Source("clinc150/data_full.json",
      URI.create(CLINC_BASE + "data_full.json"), "36923c3705a59e08fe9c3883d8bc2dd966ef93e22cb78ac41171782a698d56e0"));

  /** The 14 SNIPS files at the snapshot the project's data README records. */
  public static final List<Source> SNIPS = snips();

  private final Path cacheRoot;

  /** A downloader caching under {@code cacheRoot} (created on demand). */
  public DatasetDownloader(Path cacheRoot) {
    this.cacheRoot = Objects.requireNonNull(cacheRoot, "cacheRoot");
  }

  /** A downloader caching under {@link #defaultCacheDirectory()}. */
  public static DatasetDownloader withDefaultCache() {
    return new DatasetDownloader(defaultCacheDirectory());
  }

  /** The directory files are cached in; a data directory for the loaders once the sources are fetched. */
  public Path cacheRoot() {
    return cacheRoot;
  }

  /**
   * The user's cache directory for TrustFL data: {@code $XDG_CACHE_HOME/trustfl/data} or
   * {@code ~/.cache/trustfl/data} on Linux, {@code ~/Library/Caches/trustfl/data} on macOS,
   * {@code %LOCALAPPDATA%\trustfl\data} on Windows.
   */
  public static Path defaultCacheDirectory() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    Path home = Paths.get(System.getProperty("user.home"));
    Map<String, String> env = System.getenv();
    if (os.contains("win") && env.get("LOCALAPPDATA") != null) {
      return Paths.get(env.get("LOCALAPPDATA"), "trustfl", "data");
    }
    if (os.contains("mac")) {
      return home.resolve("Library").resolve("Caches").resolve("trustfl").resolve("data");
    }
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.trim().isEmpty() ? Paths.get(xdg) : home.resolve(".cache");
    return base.resolve("trustfl").resolve("data");
  }

  /**
   * Returns the verified local copy of {@code source}, downloading it if it is missing or fails its hash.
   *
   * @throws IllegalStateException if the downloaded bytes do not hash to the expected sha256 (nothing is kept)
   * @throws UncheckedIOException if the download or the write fails
   */
  public Path fetch(Source source) {
    Path target = cacheRoot.resolve(source.relativePath());
    try {
      if (Files.isRegularFile(target) && source.sha256().equals(sha256(target))) {
        return target;
      }
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
      try {
        MessageDigest md = newSha256();
        URLConnection conn = source.url().toURL().openConnection();
        conn.setConnectTimeout(30_000);
        conn.setReadTimeout(60_000);
        try (InputStream in = conn.getInputStream();
            FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            OutputStream out = new DigestOutputStream(Channels.newOutputStream(ch), md)) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
          }
          out.flush();
          ch.force(true);
        }
        String got = hex(md.digest());
        if (!got.equals(source.sha256())) {
          throw new IllegalStateException("download of " + source.url() + " has sha256 " + got + " but "
              + source.sha256() + " was expected; the file was not kept (a changed or corrupted upstream file)");
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch " + source.url() + " to " + target, e);
    }
  }

  /** Fetches every source; returns the cache root, usable as a data directory for the loaders. */
  public Path fetchAll(List<Source> sources) {
    for (Source s : sources) {
      fetch(s);
    }
    return cacheRoot;
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = newSha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return hex(md.digest());
  }

  private static String hex(byte[] bytes) {
    // java.util.HexFormat is not on Android API 26.
    StringBuilder s = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return s.toString();
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static List<Source> snips() {
    String[][] files = {
        {"AddToPlaylist", "fee1b4645352e70ed8a40f1f87c3b53fc3bf75f8ebc82252a22b82c107e75b01",
            "14cc9ee49ae477b1452632a6e835498cf4c32da397b16967c82abb3e50403e83"},
        {"BookRestaurant", "7677e82cd6e9a8191f0a4502568c786278c984900b4796d3628e46f1abf73ef4",
            "4f7258ccc768b777b2eb8916532db9aa50dbd058ddf1ffb0dc59218963e7442a"},
        {"GetWeather", "86f414b2ad8a993134d85d16e25e5d337beae47cef993c0af2a5f440405c60f6",
            "60c095e193655d6ca92be220fed3926ca25e18cd70c85664145efe25d80993af"},
        {"PlayMusic", "901ddbe9781d1fdb8196e789c543f80df3d29ca6e237da64947905adcc0312e4",
            "922212775e26259d5bffeaf79b6048d070ca017d229df00b2cc9800f71c75d20"},
        {"RateBook", "bb43e4b74134300d5766f6b420d0357a63402987a225f6dc92c806c9c040ce04",
            "c1f8b4114da0bb5e8afd78a8062766e18b2eabb0e717539598db01b09d04619b"},
        {"SearchCreativeWork", "87b3432de48c71c205aa5238b41d9e3f2d70bdfcd0bea2427544fb9e4bd5e5bb",
            "8a5e830eddb185d3e4a9d27ded140a145d04766bdce0e58834676ede32d13e77"},
        {"SearchScreeningEvent", "5447e9440c02e2fb08c3ae16b9f58a4d1332b4bc77fd34691402b02aa4399765",
            "81e1445713e03c7c3e615353c5f3fee05f369fe9834100b9b9735900a96b9498"},
    };
    List<Source> out = new ArrayList<>();
    for (String[] f : files) {
      String train = "train_" + f[0] + "_full.json";
      String val = "validate_" + f[0] + ".json";
      out.add(new Source("snips/" + train, URI.create(SNIPS_BASE + f[0] + "/" + train), f[1]));
      out.add(new Source("snips/" + val, URI.create(SNIPS_BASE + f[0] + "/" + val), f[2]));
    }
    return List.copyOf(out);
  }
}
