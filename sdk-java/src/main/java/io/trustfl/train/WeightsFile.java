package io.trustfl.train;

import io.trustfl.proto.ProtoBytes;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.Weights;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Reads and writes a {@link Weights} message as a file. Writes are atomic: the bytes go to a temporary file in the
 * same directory, which is forced to disk and then renamed over the target ({@code ATOMIC_MOVE}); the directory is
 * forced too where the platform allows. A crash or an error at any point leaves either the previous file or the
 * new one, never a torn file. Stateless and thread-safe (concurrent writers to one path race; the last rename wins).
 */
public final class WeightsFile {
  /** Hook between chunks of a write, so tests can simulate a crash mid-write. */
  interface WriteHook {
    void afterChunk(long bytesWritten) throws IOException;
  }

  private static final int CHUNK = 64 * 1024;

  private WeightsFile() {}

  /** Atomically writes {@code weights} (deterministic serialization) to {@code target}. */
  public static void write(Path target, Weights weights) throws IOException {
    write(target, weights, written -> { });
  }

  static void write(Path target, Weights weights, WriteHook hook) throws IOException {
    Objects.requireNonNull(weights, "weights");
    writeBytes(target, ProtoBytes.deterministic(weights), hook);
  }

  /**
   * Atomically writes any bytes (e.g. a serialized {@code AccountantState} saved next to the weights) with the same
   * temporary-file, fsync and rename protocol.
   */
  public static void writeBytes(Path target, byte[] bytes) throws IOException {
    writeBytes(target, bytes, written -> { });
  }

  static void writeBytes(Path target, byte[] bytes, WriteHook hook) throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(bytes, "bytes");
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        // Through Buffer: ByteBuffer.limit(int) returning ByteBuffer (Java 9+) does not exist on Android API 26.
        Buffer view = buf;
        while (buf.hasRemaining()) {
          view.limit(Math.min(bytes.length, buf.position() + CHUNK));
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          view.limit(bytes.length);
          hook.afterChunk(buf.position());
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + abs + " atomically on this file system; weights not written", e);
      }
      moved = true;
      forceDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Reads a weights file.
   *
   * @throws IOException if it cannot be read or is not a valid {@link Weights} message of a known format version
   */
  public static Weights read(Path path) throws IOException {
    Weights w;
    try {
      w = Weights.parseFrom(Files.readAllBytes(path));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException(path + " is not a valid Weights message: " + e.getMessage(), e);
    }
    try {
      ProtocolVersions.check("Weights", w.getVersion());
    } catch (RuntimeException e) {
      throw new IOException(path + ": " + e.getMessage(), e);
    }
    return w;
  }

  private static void forceDirectory(Path dir) {
    // Makes the rename durable on POSIX file systems; opening a directory fails on some platforms (Windows), where
    // the rename is still atomic but its durability is up to the file system.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort, see above
    }
  }
}
