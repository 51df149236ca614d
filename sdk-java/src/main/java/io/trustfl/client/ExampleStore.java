package io.trustfl.client;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * The on-device example store: labelled texts with optional cached embeddings, kept on disk in an append-only log of
 * checksummed records, bounded by a {@link StoreLimits storage cap} with a {@link RetentionPolicy}.
 *
 * <p><b>Crash safety.</b> Every change (add, delete, cached embedding, check-in mark) is one record
 * {@code [magic][type][length][payload][crc32]} appended to {@code examples.log} and forced to disk
 * ({@link FileChannel#force}) before the call returns: a method that returned has its change stored. Records are
 * only ever appended, so a process killed mid-write can leave at most one incomplete record at the end; on open,
 * the log is read up to the first record that is incomplete or fails its checksum, and the file is truncated there
 * (that torn tail was never acknowledged). When deletions make the log much larger than its live content, it is
 * compacted: the live state is written to a temporary file, forced, and atomically renamed over the log (then the
 * directory is forced), so a crash during compaction leaves either the old or the new log, both complete.
 *
 * <p><b>Caps.</b> {@link #add} stores the example and then deletes examples, as the policy says, until both the
 * example and the byte caps hold; under {@link RetentionPolicy#RESERVOIR} the new example itself may be the one not
 * kept. The byte cap counts {@link StoredExample#storedBytes()}.
 *
 * <p>Thread-safe (every method synchronizes on the store). One process at a time may open a directory; a second
 * open from the same JVM or another process is refused by a file lock. Close to release the lock.
 */
public final class ExampleStore implements AutoCloseable {
  static final String LOG_NAME = "examples.log";
  private static final int MAGIC = 0x54464C52; // "TFLR"
  private static final int HEADER = 4 + 1 + 4;
  private static final int MAX_RECORD = 64 << 20;
  private static final long COMPACT_MIN_BYTES = 64 << 10;

  private static final byte ADD = 1;
  private static final byte DELETE = 2;
  private static final byte EMBED = 3;
  private static final byte OFFER = 4;
  private static final byte CHECKIN = 5;
  private static final byte STATE = 6;

  private final Path dir;
  private final StoreLimits limits;
  private final LinkedHashMap<Long, StoredExample> examples = new LinkedHashMap<>();
  private FileChannel log;
  private FileLock lock;
  private long nextId = 1;
  private long offered;
  private long totalAdded;
  private long addedAtCheckIn;
  private long bytes;
  private long droppedTailBytes;
  private boolean closed;

  private ExampleStore(Path dir, StoreLimits limits) {
    this.dir = dir;
    this.limits = limits;
  }

  /**
   * Opens (or creates) the store in {@code directory}, recovering from a crash if needed. If the stored content
   * exceeds {@code limits} (e.g. the cap was lowered), examples are deleted by the policy right away.
   *
   * @throws IOException if the directory cannot be created or read, or is locked by another store
   */
  public static ExampleStore open(Path directory, StoreLimits limits) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(limits, "limits");
    Files.createDirectories(directory);
    ExampleStore s = new ExampleStore(directory.toAbsolutePath(), limits);
    s.recover();
    return s;
  }

  private void recover() throws IOException {
    Path file = dir.resolve(LOG_NAME);
    log = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      lock = log.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      log.close();
      throw new IOException("example store " + dir + " is already open (locked by another store instance)");
    }
    long size = log.size();
    long pos = 0;
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    while (pos + HEADER + 4 <= size) {
      // Through Buffer: ByteBuffer.clear()/flip() returning ByteBuffer (Java 9+) do not exist on Android API 26.
      ((Buffer) header).clear();
      readFully(header, pos);
      ((Buffer) header).flip();
      int magic = header.getInt();
      byte type = header.get();
      int len = header.getInt();
      if (magic != MAGIC || len < 0 || len > MAX_RECORD || pos + HEADER + len + 4 > size) {
        break;
      }
      ByteBuffer body = ByteBuffer.allocate(len + 4);
      readFully(body, pos + HEADER);
      ((Buffer) body).flip();
      CRC32 crc = new CRC32();
      crc.update(type);
      crc.update(ByteBuffer.allocate(4).putInt(0, len));
      crc.update(body.array(), 0, len);
      if ((int) crc.getValue() != body.getInt(len)) {
        break;
      }
      apply(type, ByteBuffer.wrap(body.array(), 0, len));
      pos += HEADER + len + 4;
    }
    if (pos < size) {
      // A torn tail: the record being written when the process died. It was never acknowledged.
      droppedTailBytes = size - pos;
      log.truncate(pos);
      log.force(true);
    }
    log.position(pos);
    enforceCapsOnOpen();
  }

  private void readFully(ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      int n = log.read(buf, p);
      if (n < 0) {
        throw new IOException("unexpected end of " + LOG_NAME + " at " + p);
      }
      p += n;
    }
  }

  private void apply(byte type, ByteBuffer b) {
    switch (type) {
      case ADD, STATE -> {
        if (type == STATE) {
          nextId = b.getLong();
          offered = b.getLong();
          totalAdded = b.getLong();
          addedAtCheckIn = b.getLong();
          examples.clear();
          bytes = 0;
          return;
        }
        long id = b.getLong();
        long seq = b.getLong();
        String text = readString(b);
        String label = readString(b);
        float[] emb = readFloats(b);
        StoredExample e = new StoredExample(id, text, label, emb);
        examples.put(id, e);
        bytes += e.storedBytes();
        nextId = Math.max(nextId, id + 1);
        offered = Math.max(offered, seq);
        totalAdded++;
        replayDeletions(b);
      }
      case DELETE -> {
        StoredExample e = examples.remove(b.getLong());
        if (e != null) {
          bytes -= e.storedBytes();
        }
      }
      case EMBED -> {
        long id = b.getLong();
        float[] emb = readFloats(b);
        StoredExample old = examples.get(id);
        if (old != null) {
          StoredExample e = new StoredExample(id, old.text(), old.label(), emb);
          examples.put(id, e);
          bytes += e.storedBytes() - old.storedBytes();
        }
        replayDeletions(b);
      }
      case OFFER -> offered = Math.max(offered, b.getLong());
      case CHECKIN -> addedAtCheckIn = b.getLong();
      default -> throw new IllegalStateException("unknown record type " + type + " in " + LOG_NAME
          + " (written by a newer version?)");
    }
  }

  private void replayDeletions(ByteBuffer b) {
    int n = b.getInt();
    for (int i = 0; i < n; i++) {
      StoredExample e = examples.remove(b.getLong());
      if (e != null) {
        bytes -= e.storedBytes();
      }
    }
  }

  private static String readString(ByteBuffer b) {
    int n = b.getInt();
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private static float[] readFloats(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0) {
      return null;
    }
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = b.getFloat();
    }
    return f;
  }

  /**
   * The outcome of {@link #add}.
   *
   * @param stored the new example, or empty when the reservoir did not keep it
   * @param deleted ids deleted to make room (in deletion order)
   */
  public record AddResult(Optional<StoredExample> stored, List<Long> deleted) {
    /** Copies the list. */
    public AddResult {
      Objects.requireNonNull(stored, "stored");
      deleted = List.copyOf(deleted);
    }
  }

  /**
   * Offers one example; when this returns, the example (if kept) and every deletion it caused are on disk.
   *
   * @param text the text
   * @param label the class name, not blank
   * @param embedding its cached embedding (finite floats, copied), or null
   * @throws IllegalArgumentException if the example alone exceeds the byte cap, the label is blank or the
   *     embedding is not finite
   * @throws UncheckedIOException if the change could not be written (nothing is acknowledged then)
   */
  public synchronized AddResult add(String text, String label, float[] embedding) {
    return addAll(List.of(new NewExample(text, label, embedding))).get(0);
  }

  /**
   * An example to add with {@link #addAll}.
   *
   * @param text the text, not null
   * @param label the class name, not blank
   * @param embedding finite floats (copied), or null
   */
  public record NewExample(String text, String label, float[] embedding) {
    /** Validates the fields. */
    public NewExample {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(label, "label");
      if (label.trim().isEmpty()) {
        throw new IllegalArgumentException("label must not be blank, got '" + label + "'");
      }
      if (embedding != null) {
        embedding = embedding.clone();
        requireFinite(embedding);
      }
    }
  }

  /**
   * Offers several examples with one disk flush (group commit); all results are durable when this returns.
   *
   * @return one result per example, in order
   */
  public synchronized List<AddResult> addAll(List<NewExample> batch) {
    ensureOpen();
    Objects.requireNonNull(batch, "batch");
    for (NewExample n : batch) {
      long size = new StoredExample(0, n.text(), n.label(), n.embedding()).storedBytes();
      if (size > limits.maxBytes()) {
        throw new IllegalArgumentException("example of " + size + " bytes exceeds the store's byte cap maxBytes="
            + limits.maxBytes());
      }
    }
    List<AddResult> results = new ArrayList<>(batch.size());
    try {
      for (NewExample n : batch) {
        long seq = offered + 1;
        if (limits.policy() == RetentionPolicy.RESERVOIR && examples.size() >= limits.maxExamples()) {
          SplittableRandom rnd = random(seq);
          if (rnd.nextLong(seq) >= limits.maxExamples()) {
            // Not kept: only the offer count changes (it drives the reservoir probabilities).
            append(OFFER, ByteBuffer.allocate(8).putLong(seq).array());
            offered = seq;
            results.add(new AddResult(Optional.empty(), List.of()));
            continue;
          }
        }
        StoredExample candidate = new StoredExample(nextId, n.text(), n.label(), n.embedding());
        examples.put(candidate.id(), candidate);
        bytes += candidate.storedBytes();
        List<Long> deleted = chooseVictims(candidate.id(), seq);
        // One record holds the example and the deletions it causes, so a crash applies both or neither.
        appendAdd(candidate, seq, deleted);
        nextId++;
        offered = seq;
        totalAdded++;
        results.add(new AddResult(Optional.of(candidate), deleted));
      }
      log.force(false);
      maybeCompact();
    } catch (IOException e) {
      fail();
      throw new UncheckedIOException("example store " + dir + ": write failed; the last batch is not"
          + " acknowledged and the store is closed (reopen it to recover)", e);
    }
    return results;
  }

  /**
   * Caches an embedding for a stored example (replacing any cached one) and enforces the byte cap again.
   *
   * @return false if the example is not (or, after enforcing the byte cap, no longer) stored
   */
  public synchronized boolean putEmbedding(long id, float[] embedding) {
    ensureOpen();
    Objects.requireNonNull(embedding, "embedding");
    float[] emb = embedding.clone();
    requireFinite(emb);
    StoredExample old = examples.get(id);
    if (old == null) {
      return false;
    }
    StoredExample e = new StoredExample(id, old.text(), old.label(), emb);
    if (e.storedBytes() > limits.maxBytes()) {
      throw new IllegalArgumentException("example " + id + " with this embedding would take " + e.storedBytes()
          + " bytes, more than the store's byte cap maxBytes=" + limits.maxBytes());
    }
    try {
      examples.put(id, e);
      bytes += e.storedBytes() - old.storedBytes();
      List<Long> deleted = chooseVictims(id, offered);
      ByteBuffer b = ByteBuffer.allocate(8 + 4 + 4 * emb.length + 4 + 8 * deleted.size()).putLong(id);
      putFloats(b, emb);
      putIds(b, deleted);
      append(EMBED, b.array());
      log.force(false);
      maybeCompact();
    } catch (IOException ex) {
      fail();
      throw new UncheckedIOException("example store " + dir + ": write failed; the store is closed", ex);
    }
    return examples.containsKey(id);
  }

  /** Deletes a stored example (e.g. at the user's request); returns false if it is not stored. */
  public synchronized boolean delete(long id) {
    ensureOpen();
    if (!examples.containsKey(id)) {
      return false;
    }
    try {
      append(DELETE, ByteBuffer.allocate(8).putLong(id).array());
      log.force(false);
    } catch (IOException e) {
      fail();
      throw new UncheckedIOException("example store " + dir + ": write failed; the store is closed", e);
    }
    bytes -= examples.remove(id).storedBytes();
    return true;
  }

  /**
   * Removes examples from memory, per the policy, until the caps hold, never {@code protect}; returns their ids
   * (the caller writes them into the record of the operation that caused them).
   */
  private List<Long> chooseVictims(long protect, long salt) {
    List<Long> deleted = new ArrayList<>();
    long round = 0;
    while (examples.size() > limits.maxExamples() || bytes > limits.maxBytes()) {
      int others = examples.size() - (examples.containsKey(protect) ? 1 : 0);
      if (others == 0) {
        break;
      }
      long victim = -1;
      int k = limits.policy() == RetentionPolicy.OLDEST_FIRST ? 0
          : random(salt * 31 + (++round)).nextInt(others);
      Iterator<Long> it = examples.keySet().iterator();
      while (victim < 0) {
        long id = it.next();
        if (id != protect && k-- == 0) {
          victim = id;
        }
      }
      bytes -= examples.remove(victim).storedBytes();
      deleted.add(victim);
    }
    return deleted;
  }

  /** Enforces the caps at open (e.g. after the cap was lowered), durably. */
  private void enforceCapsOnOpen() throws IOException {
    List<Long> victims = chooseVictims(-1, offered);
    for (long id : victims) {
      append(DELETE, ByteBuffer.allocate(8).putLong(id).array());
    }
    if (!victims.isEmpty()) {
      log.force(false);
    }
  }

  private static void putIds(ByteBuffer b, List<Long> ids) {
    b.putInt(ids.size());
    for (long id : ids) {
      b.putLong(id);
    }
  }

  private void fail() {
    closed = true;
    try {
      close0();
    } catch (IOException ignored) {
      // Already failing; the caller reports the original error.
    }
  }

  private long nth(int k) {
    Iterator<Long> it = examples.keySet().iterator();
    for (int i = 0; i < k; i++) {
      it.next();
    }
    return it.next();
  }

  private SplittableRandom random(long salt) {
    return new SplittableRandom(limits.seed() * 0x9E3779B97F4A7C15L + salt);
  }

  /** All stored examples, oldest first (a snapshot). */
  public synchronized List<StoredExample> examples() {
    ensureOpen();
    return List.copyOf(examples.values());
  }

  /** The stored example with this id, if any. */
  public synchronized Optional<StoredExample> get(long id) {
    ensureOpen();
    return Optional.ofNullable(examples.get(id));
  }

  /** Number of stored examples. */
  public synchronized int size() {
    ensureOpen();
    return examples.size();
  }

  /** Bytes of stored content counted against the byte cap. */
  public synchronized long storedBytes() {
    ensureOpen();
    return bytes;
  }

  /** Examples ever offered to this store (kept or not), across restarts. */
  public synchronized long offeredTotal() {
    ensureOpen();
    return offered;
  }

  /** Bytes of an incomplete record dropped when this store was opened (0 after a clean shutdown). */
  public synchronized long droppedTailBytes() {
    return droppedTailBytes;
  }

  /** The cap and policy. */
  public StoreLimits limits() {
    return limits;
  }

  /** The activity since the last check-in, without marking a check-in. */
  public synchronized StoreActivity activity() {
    ensureOpen();
    return new StoreActivity(examples.size(), totalAdded - addedAtCheckIn);
  }

  /**
   * The activity to report in a check-in, and a durable mark so that the next report counts from now. Call it when
   * the check-in is sent.
   */
  public synchronized StoreActivity checkIn() {
    StoreActivity a = activity();
    try {
      append(CHECKIN, ByteBuffer.allocate(8).putLong(totalAdded).array());
      log.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("example store " + dir + ": write failed", e);
    }
    addedAtCheckIn = totalAdded;
    return a;
  }

  private void appendAdd(StoredExample e, long seq, List<Long> deleted) throws IOException {
    append(ADD, addPayload(e, seq, deleted));
  }

  private static byte[] addPayload(StoredExample e, long seq, List<Long> deleted) {
    byte[] t = e.text().getBytes(StandardCharsets.UTF_8);
    byte[] l = e.label().getBytes(StandardCharsets.UTF_8);
    int embLen = e.embedding() == null ? 0 : e.embedding().length;
    ByteBuffer b = ByteBuffer.allocate(8 + 8 + 4 + t.length + 4 + l.length + 4 + 4 * embLen + 4
        + 8 * deleted.size());
    b.putLong(e.id()).putLong(seq).putInt(t.length).put(t).putInt(l.length).put(l);
    putFloats(b, e.embedding());
    putIds(b, deleted);
    return b.array();
  }

  private static void putFloats(ByteBuffer b, float[] f) {
    if (f == null) {
      b.putInt(-1);
      return;
    }
    b.putInt(f.length);
    for (float v : f) {
      b.putFloat(v);
    }
  }

  private void append(byte type, byte[] payload) throws IOException {
    ByteBuffer rec = encodeRecord(type, payload);
    while (rec.hasRemaining()) {
      log.write(rec);
    }
  }

  private static ByteBuffer encodeRecord(byte type, byte[] payload) {
    if (payload.length > MAX_RECORD) {
      throw new IllegalArgumentException("record of " + payload.length + " bytes exceeds " + MAX_RECORD);
    }
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(ByteBuffer.allocate(4).putInt(0, payload.length));
    crc.update(payload);
    ByteBuffer rec = ByteBuffer.allocate(HEADER + payload.length + 4);
    rec.putInt(MAGIC).put(type).putInt(payload.length).put(payload).putInt((int) crc.getValue());
    ((Buffer) rec).flip();
    return rec;
  }

  private void maybeCompact() throws IOException {
    if (log.size() > COMPACT_MIN_BYTES && log.size() > 4 * (bytes + 64L * examples.size())) {
      compact();
    }
  }

  /** Rewrites the log to its live content (temp file, force, atomic rename, force the directory). */
  synchronized void compact() throws IOException {
    ensureOpen();
    Path tmp = dir.resolve(LOG_NAME + ".compact");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (DataOutputStream d = new DataOutputStream(bos)) {
        d.writeLong(nextId);
        d.writeLong(offered);
        d.writeLong(totalAdded - examples.size());
        d.writeLong(addedAtCheckIn);
      }
      writeAll(out, encodeRecord(STATE, bos.toByteArray()));
      for (StoredExample e : examples.values()) {
        // Each replayed ADD counts as added: STATE holds totalAdded minus the live examples.
        writeAll(out, encodeRecord(ADD, addPayload(e, 1, List.of())));
      }
      out.force(true);
    }
    // Release the lock held on the old file only after the new one is in place; the new log is locked right away.
    Files.move(tmp, dir.resolve(LOG_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory(dir);
    FileChannel old = log;
    log = FileChannel.open(dir.resolve(LOG_NAME), StandardOpenOption.READ, StandardOpenOption.WRITE);
    log.position(log.size());
    FileLock oldLock = lock;
    lock = log.tryLock();
    oldLock.release();
    old.close();
  }

  private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void forceDirectory(Path dir) {
    // Makes the rename durable on POSIX file systems; directories cannot be opened on some platforms.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Best effort where the platform does not allow it.
    }
  }

  private static void requireFinite(float[] emb) {
    for (int i = 0; i < emb.length; i++) {
      if (!Float.isFinite(emb[i])) {
        throw new IllegalArgumentException("embedding element " + i + " is " + emb[i] + ": must be finite");
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("example store " + dir + " is closed");
    }
  }

  /** Releases the lock and closes the log; idempotent. Everything acknowledged is already on disk. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    close0();
  }

  private void close0() throws IOException {
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
    } finally {
      log.close();
    }
  }
}
