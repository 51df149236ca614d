package io.trustfl.server.simulation;

import com.google.protobuf.InvalidProtocolBufferException;
import io.trustfl.proto.AccountantState;
import io.trustfl.proto.ProtoBytes;
import io.trustfl.proto.Weights;
import io.trustfl.server.aggregation.OptimizerState;
import io.trustfl.train.WeightsFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The state a simulation resumes from, written atomically after every round: the next round, the global weights,
 * the server optimizer's state, the privacy accountant's history, the clip norm (adaptive clipping), the noise
 * multiplier and per-device selection counts. Random streams need no state (see {@link Seeds}); the device stores
 * are rebuilt by replaying arrivals. The central-DP noise key is deliberately not stored: a resumed run draws its
 * remaining noise under a fresh secret key.
 *
 * @param fingerprint {@link SimulationConfig#fingerprint()} of the run that wrote it
 * @param nextRound the first round not yet done
 * @param global the global model after round {@code nextRound − 1}
 * @param optimizer the server optimizer's state
 * @param accountant the privacy ledger's state, or null without DP
 * @param clipNorm the clip norm of round {@code nextRound}
 * @param noiseMultiplier σ of central DP (0 without DP)
 * @param selectionCounts rounds each device was selected in, by device index
 * @param stopped true when the run ended early (privacy budget reached)
 */
record Checkpoint(String fingerprint, int nextRound, Weights global, OptimizerState optimizer,
    AccountantState accountant, double clipNorm, double noiseMultiplier, int[] selectionCounts, boolean stopped) {
  private static final int MAGIC = 0x54464C53; // "TFLS"
  private static final int FORMAT = 1;

  Checkpoint {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(global, "global");
    Objects.requireNonNull(optimizer, "optimizer");
    selectionCounts = selectionCounts.clone();
  }

  @Override
  public int[] selectionCounts() {
    return selectionCounts.clone();
  }

  /** Writes this checkpoint atomically (temporary file, fsync, rename). */
  void write(Path file) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream o = new DataOutputStream(buf)) {
      o.writeInt(MAGIC);
      o.writeInt(FORMAT);
      o.writeUTF(fingerprint);
      o.writeInt(nextRound);
      bytes(o, ProtoBytes.deterministic(global));
      o.writeUTF(optimizer.optimizer());
      o.writeLong(optimizer.steps());
      doubles(o, optimizer.firstMoment());
      doubles(o, optimizer.secondMoment());
      bytes(o, accountant == null ? new byte[0] : ProtoBytes.deterministic(accountant));
      o.writeDouble(clipNorm);
      o.writeDouble(noiseMultiplier);
      o.writeInt(selectionCounts.length);
      for (int v : selectionCounts) {
        o.writeInt(v);
      }
      o.writeBoolean(stopped);
    }
    CRC32 crc = new CRC32();
    crc.update(buf.toByteArray());
    new DataOutputStream(buf).writeLong(crc.getValue());
    WeightsFile.writeBytes(file, buf.toByteArray());
  }

  /**
   * Reads a checkpoint, if the file exists.
   *
   * @throws IllegalArgumentException if the file is corrupt (naming it)
   */
  static Optional<Checkpoint> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    byte[] all = Files.readAllBytes(file);
    if (all.length < 16) {
      throw new IllegalArgumentException("checkpoint " + file + " is truncated (" + all.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new IllegalArgumentException("checkpoint " + file + " fails its checksum; delete it to start over");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
        throw new IllegalArgumentException("checkpoint " + file + " is not a TrustFL simulation checkpoint"
            + " (format " + FORMAT + ")");
      }
      String fp = in.readUTF();
      int next = in.readInt();
      Weights global = Weights.parseFrom(bytes(in));
      String opt = in.readUTF();
      long steps = in.readLong();
      double[] m = doubles(in);
      double[] v = doubles(in);
      byte[] acc = bytes(in);
      double clip = in.readDouble();
      double sigma = in.readDouble();
      int[] counts = new int[in.readInt()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = in.readInt();
      }
      boolean stopped = in.readBoolean();
      return Optional.of(new Checkpoint(fp, next, global, new OptimizerState(opt, steps, m, v),
          acc.length == 0 ? null : AccountantState.parseFrom(acc), clip, sigma, counts, stopped));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("checkpoint " + file + " holds a malformed message: " + e.getMessage());
    }
  }

  private static void bytes(DataOutputStream o, byte[] b) throws IOException {
    o.writeInt(b.length);
    o.write(b);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }

  private static void doubles(DataOutputStream o, double[] d) throws IOException {
    o.writeInt(d.length);
    for (double x : d) {
      o.writeDouble(x);
    }
  }

  private static double[] doubles(DataInputStream in) throws IOException {
    double[] d = new double[in.readInt()];
    for (int i = 0; i < d.length; i++) {
      d[i] = in.readDouble();
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.fingerprint.equals(fingerprint) && c.nextRound == nextRound
        && c.global.equals(global) && c.optimizer.equals(optimizer) && Objects.equals(c.accountant, accountant)
        && Double.compare(c.clipNorm, clipNorm) == 0 && Double.compare(c.noiseMultiplier, noiseMultiplier) == 0
        && Arrays.equals(c.selectionCounts, selectionCounts) && c.stopped == stopped;
  }

  @Override
  public int hashCode() {
    return Objects.hash(fingerprint, nextRound, global, optimizer, Arrays.hashCode(selectionCounts));
  }
}
