package io.trustfl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.proto.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic weights persistence: round trip, and a simulated crash mid-write that must leave the old file intact. */
class WeightsFileTest {
  @TempDir Path dir;

  private static Params params(float fill, int size) {
    float[] v = new float[size];
    java.util.Arrays.fill(v, fill);
    return Params.of(List.of("w", "b"), List.of(new long[] {size / 4, 4}, new long[] {3}),
        List.of(v, new float[] {fill, -fill, 0}));
  }

  @Test
  void roundTrip() throws IOException {
    Path file = dir.resolve("sub/weights.pb");
    Params p = params(0.25f, 400);
    WeightsFile.write(file, p.toWeights());
    Params back = Params.fromWeights(WeightsFile.read(file));
    assertEquals(p.names(), back.names());
    assertArrayEquals(p.values(0), back.values(0));
    assertArrayEquals(p.values(1), back.values(1));
    assertArrayEquals(new long[] {100, 4}, back.shape(0));
  }

  @Test
  void crashMidWriteLeavesPreviousFileIntact() throws IOException {
    Path file = dir.resolve("weights.pb");
    Weights old = params(1f, 400).toWeights();
    WeightsFile.write(file, old);
    byte[] before = Files.readAllBytes(file);
    Weights big = params(2f, 100_000).toWeights(); // 400 kB: several 64 kB chunks
    IOException e = assertThrows(IOException.class, () -> WeightsFile.write(file, big, written -> {
      if (written >= 64 * 1024) {
        throw new IOException("simulated crash after " + written + " bytes");
      }
    }));
    assertTrue(e.getMessage().startsWith("simulated crash"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file), "previous weights file must be untouched");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file may be left behind");
    }
    WeightsFile.write(file, big);
    assertEquals(big, WeightsFile.read(file));
  }

  @Test
  void readRejectsGarbage() throws IOException {
    Path file = dir.resolve("bad.pb");
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    IOException e = assertThrows(IOException.class, () -> WeightsFile.read(file));
    assertTrue(e.getMessage().contains("not a valid Weights message"), e.getMessage());
  }
}
