package io.trustfl.server.coordinator;

import io.trustfl.proto.AccountantState;
import io.trustfl.proto.Weights;
import io.trustfl.server.aggregation.CentralDpAggregator;
import io.trustfl.server.aggregation.OptimizerState;
import io.trustfl.train.WeightsFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The coordinator's checkpoint: everything but the accepted updates of the open round (which are one file each).
 * Written atomically ({@link WeightsFile#writeBytes}: temp file, force, atomic rename, force the directory) with a
 * CRC32 trailer, so a crash leaves the previous or the new checkpoint, never a mix.
 *
 * @param round the open round (0-based)
 * @param attempt how many times this round was reopened after missing its quorum
 * @param phase where the round stands
 * @param openedMillis when the round (attempt) opened
 * @param deadlineMillis upload deadline (0 before selection)
 * @param selected device ids selected for the round (empty before selection)
 * @param samplingRate the accountant's q for this round (the selection's largest inclusion probability)
 * @param quorum accepted updates needed to release the round
 * @param global the global weights
 * @param optimizer the server optimizer's state
 * @param accountant the privacy ledger's state, or null without accounting
 * @param clipping the central DP aggregator's state (the adapted clip norm of the next round, the last released
 *     round), or null when the task's aggregator is not a {@link CentralDpAggregator}
 * @param roundsCompleted released rounds so far
 * @param note why the task stopped (for {@link Phase#DONE}), else ""
 */
record CoordinatorState(long round, int attempt, Phase phase, long openedMillis, long deadlineMillis,
    List<String> selected, double samplingRate, int quorum, Weights global, OptimizerState optimizer,
    AccountantState accountant, CentralDpAggregator.ClipState clipping, long roundsCompleted, String note) {

  static final String FILE = "coordinator.state";
  private static final long MAGIC = 0x54464C434F4F5244L; // "TFLCOORD"
  /** Version 2 added the central DP aggregator's clip state; version 1 files are read with none. */
  private static final int VERSION = 2;

  /** Where a round stands. */
  enum Phase {
    /** Collecting check-ins. */
    SELECTION,
    /** Selected devices train and upload until the deadline. */
    REPORTING,
    /** No more rounds (all run, or the privacy budget is spent). */
    DONE
  }

  CoordinatorState {
    selected = List.copyOf(selected);
  }

  CoordinatorState withPhase(Phase p, String why) {
    return new CoordinatorState(round, attempt, p, openedMillis, deadlineMillis, selected, samplingRate, quorum,
        global, optimizer, accountant, clipping, roundsCompleted, why);
  }

  void write(Path dir) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream d = new DataOutputStream(bos)) {
      d.writeLong(MAGIC);
      d.writeInt(VERSION);
      d.writeLong(round);
      d.writeInt(attempt);
      d.writeByte(phase.ordinal());
      d.writeLong(openedMillis);
      d.writeLong(deadlineMillis);
      d.writeInt(selected.size());
      for (String s : selected) {
        d.writeUTF(s);
      }
      d.writeDouble(samplingRate);
      d.writeInt(quorum);
      writeBytes(d, global.toByteArray());
      d.writeUTF(optimizer.optimizer());
      d.writeLong(optimizer.steps());
      writeDoubles(d, optimizer.firstMoment());
      writeDoubles(d, optimizer.secondMoment());
      writeBytes(d, accountant == null ? null : accountant.toByteArray());
      d.writeBoolean(clipping != null);
      if (clipping != null) {
        d.writeDouble(clipping.clipNorm());
        d.writeLong(clipping.lastReleasedRound());
      }
      d.writeLong(roundsCompleted);
      d.writeUTF(note);
    }
    byte[] body = bos.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(body);
    byte[] out = Arrays.copyOf(body, body.length + 8);
    long c = crc.getValue();
    for (int i = 0; i < 8; i++) {
      out[body.length + i] = (byte) (c >>> (56 - 8 * i));
    }
    WeightsFile.writeBytes(dir.resolve(FILE), out);
  }

  /** Reads the checkpoint, or null when none exists. */
  static CoordinatorState read(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    if (!Files.exists(f)) {
      return null;
    }
    byte[] all = Files.readAllBytes(f);
    if (all.length < 8) {
      throw new IOException("coordinator checkpoint " + f + " is truncated (" + all.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = 0;
    for (int i = 0; i < 8; i++) {
      stored = (stored << 8) | (all[all.length - 8 + i] & 0xff);
    }
    if (stored != crc.getValue()) {
      throw new IOException("coordinator checkpoint " + f + " fails its checksum; it was not written by this"
          + " coordinator or the disk corrupted it");
    }
    try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
      if (d.readLong() != MAGIC) {
        throw new IOException(f + " is not a coordinator checkpoint");
      }
      int version = d.readInt();
      if (version != VERSION && version != 1) {
        throw new IOException(f + " has checkpoint version " + version + ", this build reads 1 to " + VERSION);
      }
      long round = d.readLong();
      int attempt = d.readInt();
      Phase phase = Phase.values()[d.readByte()];
      long opened = d.readLong();
      long deadline = d.readLong();
      int n = d.readInt();
      List<String> selected = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        selected.add(d.readUTF());
      }
      double q = d.readDouble();
      int quorum = d.readInt();
      Weights global = Weights.parseFrom(readBytes(d));
      String optName = d.readUTF();
      long steps = d.readLong();
      OptimizerState opt = new OptimizerState(optName, steps, readDoubles(d), readDoubles(d));
      byte[] acc = readBytes(d);
      AccountantState accountant = acc == null ? null : AccountantState.parseFrom(acc);
      CentralDpAggregator.ClipState clipping = null;
      if (version >= 2 && d.readBoolean()) {
        clipping = new CentralDpAggregator.ClipState(d.readDouble(), d.readLong());
      }
      long completed = d.readLong();
      String note = d.readUTF();
      return new CoordinatorState(round, attempt, phase, opened, deadline, selected, q, quorum, global, opt,
          accountant, clipping, completed, note);
    }
  }

  private static void writeBytes(DataOutputStream d, byte[] b) throws IOException {
    if (b == null) {
      d.writeInt(-1);
      return;
    }
    d.writeInt(b.length);
    d.write(b);
  }

  private static byte[] readBytes(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    d.readFully(b);
    return b;
  }

  private static void writeDoubles(DataOutputStream d, double[] v) throws IOException {
    d.writeInt(v.length);
    for (double x : v) {
      d.writeDouble(x);
    }
  }

  private static double[] readDoubles(DataInputStream d) throws IOException {
    double[] v = new double[d.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = d.readDouble();
    }
    return v;
  }
}
