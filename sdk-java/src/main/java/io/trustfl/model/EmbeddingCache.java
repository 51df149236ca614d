package io.trustfl.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memoizes a {@link TextEncoder} so that repeated epochs over the same examples do not re-encode them. An entry is
 * keyed by sha256(encoder id, NUL, UTF-8 text), so the same text under another encoder (another model file, pooling
 * or maximum length) is a different entry, and the key reveals nothing readable about the text.
 *
 * <p>With a path, the cache loads the file if it exists and {@link #save()} writes it atomically: to a temporary file
 * in the same directory, fsync, then an atomic rename, so a crash leaves either the old or the new file, never a torn
 * one. File format (big-endian): magic {@code TFLEMB01}, encoder id (UTF), dimension (int), count (int), then per
 * entry 32 key bytes and {@code dimension} floats, then the sha256 of everything before it.
 *
 * <p>The cache does not own the encoder and never closes it. Thread-safe; a text encoded concurrently by two threads
 * may be encoded twice, with identical results since encoders are deterministic and batch-invariant.
 */
public final class EmbeddingCache implements TextEncoder {
  private static final byte[] MAGIC = "TFLEMB01".getBytes(StandardCharsets.US_ASCII);

  private final TextEncoder encoder;
  private final Path path;
  private final Map<Key, float[]> entries = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  private EmbeddingCache(TextEncoder encoder, Path path) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.path = path;
  }

  /** An in-memory cache in front of {@code encoder}. */
  public static EmbeddingCache inMemory(TextEncoder encoder) {
    return new EmbeddingCache(encoder, null);
  }

  /**
   * A cache persisted at {@code file}: loaded now if the file exists, written by {@link #save()}.
   *
   * @throws IllegalArgumentException if the file is corrupt or was written for another encoder (the message names
   *     the file; delete it to start over)
   * @throws UncheckedIOException if the file cannot be read
   */
  public static EmbeddingCache persistent(TextEncoder encoder, Path file) {
    Objects.requireNonNull(file, "file");
    EmbeddingCache cache = new EmbeddingCache(encoder, file);
    if (Files.exists(file)) {
      cache.load();
    }
    return cache;
  }

  @Override
  public String id() {
    return encoder.id();
  }

  @Override
  public int dimension() {
    return encoder.dimension();
  }

  /** Where the cache is saved, if anywhere. */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /** Number of cached embeddings. */
  public int size() {
    return entries.size();
  }

  /** Texts served from the cache since creation. */
  public long hits() {
    return hits.get();
  }

  /** Texts that had to be encoded since creation. */
  public long misses() {
    return misses.get();
  }

  /**
   * Embeddings of {@code texts}, encoding only those not cached, in one call to the encoder (duplicates within the
   * call are encoded once).
   */
  @Override
  public float[][] encodeAll(List<String> texts) {
    Objects.requireNonNull(texts, "texts");
    float[][] out = new float[texts.size()][];
    Map<Key, List<Integer>> missing = new LinkedHashMap<>();
    List<String> toEncode = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new IllegalArgumentException("texts[" + i + "] is null");
      }
      Key key = key(text);
      float[] cached = entries.get(key);
      if (cached != null) {
        out[i] = cached.clone();
        hits.incrementAndGet();
      } else {
        List<Integer> slots = missing.get(key);
        if (slots == null) {
          slots = new ArrayList<>();
          missing.put(key, slots);
          toEncode.add(text);
        }
        slots.add(i);
      }
    }
    if (!toEncode.isEmpty()) {
      float[][] fresh = encoder.encodeAll(toEncode);
      if (fresh.length != toEncode.size()) {
        throw new IllegalStateException("encoder " + encoder.id() + " returned " + fresh.length + " vectors for "
            + toEncode.size() + " texts");
      }
      int j = 0;
      for (Map.Entry<Key, List<Integer>> e : missing.entrySet()) {
        float[] v = fresh[j++];
        if (v.length != dimension()) {
          throw new IllegalStateException("encoder " + encoder.id() + " returned a vector of length " + v.length
              + ", expected " + dimension());
        }
        entries.put(e.getKey(), v.clone());
        for (int slot : e.getValue()) {
          out[slot] = v.clone();
        }
        misses.addAndGet(e.getValue().size());
      }
    }
    return out;
  }

  /**
   * Writes the cache atomically to its path (temporary file, fsync, atomic rename, then fsync of the directory
   * where the platform allows it).
   *
   * @throws IllegalStateException if the cache has no path
   * @throws UncheckedIOException if writing fails; the previous file is then left intact
   */
  public void save() {
    if (path == null) {
      throw new IllegalStateException("this EmbeddingCache is in memory only; create it with persistent(encoder, file)");
    }
    byte[] bytes = serialize();
    Path dir = path.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
      try {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ByteBuffer buf = ByteBuffer.wrap(bytes);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(true);
        }
        try {
          Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException("the file system of " + dir + " cannot rename atomically; put the cache elsewhere", e);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      fsyncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the embedding cache to " + path, e);
    }
  }

  private static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; the rename itself is still atomic there.
    }
  }

  private byte[] serialize() {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.write(MAGIC);
      out.writeUTF(encoder.id());
      out.writeInt(dimension());
      List<Map.Entry<Key, float[]>> snapshot = new ArrayList<>(entries.entrySet());
      out.writeInt(snapshot.size());
      for (Map.Entry<Key, float[]> e : snapshot) {
        out.write(e.getKey().bytes);
        for (float f : e.getValue()) {
          out.writeFloat(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    byte[] body = bos.toByteArray();
    byte[] digest = sha256().digest(body);
    byte[] all = Arrays.copyOf(body, body.length + digest.length);
    System.arraycopy(digest, 0, all, body.length, digest.length);
    return all;
  }

  private void load() {
    byte[] all;
    try {
      all = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the embedding cache " + path, e);
    }
    String fix = "; delete " + path + " to start an empty cache";
    if (all.length < MAGIC.length + 32) {
      throw new IllegalArgumentException("embedding cache " + path + " is truncated (" + all.length + " bytes)" + fix);
    }
    byte[] body = Arrays.copyOf(all, all.length - 32);
    byte[] stored = Arrays.copyOfRange(all, all.length - 32, all.length);
    if (!MessageDigest.isEqual(stored, sha256().digest(body))) {
      throw new IllegalArgumentException("embedding cache " + path + " fails its sha256 check (corrupt or torn)" + fix);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      byte[] magic = readN(in, MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IllegalArgumentException("embedding cache " + path + " is not a TrustFL embedding cache" + fix);
      }
      String fileId = in.readUTF();
      if (!fileId.equals(encoder.id())) {
        throw new IllegalArgumentException("embedding cache " + path + " was written for encoder '" + fileId
            + "', not '" + encoder.id() + "'" + fix + ", or use another file per encoder");
      }
      int dim = in.readInt();
      int count = in.readInt();
      if (dim != dimension() || count < 0) {
        throw new IllegalArgumentException("embedding cache " + path + " has dimension " + dim + " and count "
            + count + ", expected dimension " + dimension() + fix);
      }
      for (int i = 0; i < count; i++) {
        byte[] k = readN(in, 32);
        if (k.length != 32) {
          throw new EOFException();
        }
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
          v[j] = in.readFloat();
        }
        entries.put(new Key(k), v);
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("embedding cache " + path + " has trailing bytes" + fix);
      }
    } catch (EOFException e) {
      throw new IllegalArgumentException("embedding cache " + path + " ends early" + fix, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse the embedding cache " + path, e);
    }
  }

  private Key key(String text) {
    MessageDigest md = sha256();
    md.update(encoder.id().getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
    md.update(text.getBytes(StandardCharsets.UTF_8));
    return new Key(md.digest());
  }

  /** The hex cache key of {@code text} under this cache's encoder (for diagnostics). */
  public String keyOf(String text) {
    return ModelBundles.hex(key(text).bytes);
  }

  /** Up to {@code n} bytes (fewer at the end of the stream); DataInputStream.readNBytes is not on Android API 26. */
  private static byte[] readN(DataInputStream in, int n) throws IOException {
    byte[] out = new byte[n];
    int got = 0;
    for (int r; got < n && (r = in.read(out, got, n - got)) >= 0; ) {
      got += r;
    }
    return got == n ? out : Arrays.copyOf(out, got);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** A 32-byte digest with value equality. */
  private static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
