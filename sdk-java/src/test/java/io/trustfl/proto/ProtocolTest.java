package io.trustfl.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Round trips and golden files. A golden file is the fixture serialized when the format was last changed on
 * purpose; if a change to trustfl.proto alters the bytes, this test fails and the change must be deliberate
 * (regenerate with {@code -Dtrustfl.writeGolden=true} and bump the format version when readers are affected).
 */
class ProtocolTest {
  private static final Path GOLDEN_SRC = Path.of("src/test/resources/golden");

  @Test
  void everyMessageRoundTrips() throws Exception {
    for (Map.Entry<String, Message> e : ProtocolFixtures.all().entrySet()) {
      Message m = e.getValue();
      Message parsed = m.getParserForType().parseFrom(m.toByteArray());
      assertEquals(m, parsed, e.getKey());
    }
  }

  @Test
  void goldenFilesStillParseAndStillMatchTheFormat() throws IOException {
    boolean write = Boolean.getBoolean("trustfl.writeGolden");
    for (Map.Entry<String, Message> e : ProtocolFixtures.all().entrySet()) {
      String file = e.getKey() + ".bin";
      byte[] now = ProtoBytes.deterministic(e.getValue());
      if (write) {
        Files.createDirectories(GOLDEN_SRC);
        Files.write(GOLDEN_SRC.resolve(file), now);
        continue;
      }
      byte[] golden;
      try (InputStream in = getClass().getResourceAsStream("/golden/" + file)) {
        assertTrue(in != null, "missing golden file " + file + "; generate with -Dtrustfl.writeGolden=true");
        golden = in.readAllBytes();
      }
      // Old bytes must still parse to the same message (readers stay compatible) ...
      assertEquals(e.getValue(), e.getValue().getParserForType().parseFrom(golden), file);
      // ... and the writer must still produce the same bytes (format changes are noticed).
      assertArrayEquals(golden, now, file + " changed: regenerate deliberately if the format change is intended");
    }
  }

  @Test
  void goldenBytesFollowTheProtobufWireFormatByHand() throws IOException {
    byte[] golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/Weights.bin")) {
      golden = in.readAllBytes();
    }
    // Field 1 (version), wire type 2, length 2: {major: 1} = 08 01 (minor 0 is not written in proto3).
    assertArrayEquals(new byte[] {0x0a, 0x02, 0x08, 0x01}, java.util.Arrays.copyOf(golden, 4));
    // Field 2 (tensors), wire type 2.
    assertEquals(0x12, golden[4]);
  }

  @Test
  void readersRejectAnUnknownMajorVersionWithAClearMessage() {
    ProtocolVersions.check("TaskPlan", ProtocolVersions.current());
    ProtocolVersions.check("TaskPlan", FormatVersion.newBuilder().setMajor(1).setMinor(7).build());
    ProtocolVersions.IncompatibleFormatException e = assertThrows(ProtocolVersions.IncompatibleFormatException.class,
        () -> ProtocolVersions.check("TaskPlan", FormatVersion.newBuilder().setMajor(2).setMinor(0).build()));
    assertEquals("TaskPlan has format version 2.0 but this build reads major version 1 only; upgrade this reader",
        e.getMessage());
    e = assertThrows(ProtocolVersions.IncompatibleFormatException.class,
        () -> ProtocolVersions.check("CheckIn", FormatVersion.getDefaultInstance()));
    assertTrue(e.getMessage().startsWith("CheckIn carries no format version"), e.getMessage());
  }

  @Test
  void aNewerMinorVersionWithUnknownFieldsIsStillReadable() throws Exception {
    // Append an unknown field (number 99, varint 5) as a newer minor version would.
    byte[] base = ProtocolFixtures.all().get("CheckIn").toByteArray();
    byte[] extended = java.util.Arrays.copyOf(base, base.length + 3);
    extended[base.length] = (byte) 0x98; // (99 << 3) | 0 = 792 = 0x98 0x06
    extended[base.length + 1] = 0x06;
    extended[base.length + 2] = 0x05;
    CheckIn parsed = CheckIn.parseFrom(extended);
    assertEquals("device-0007", parsed.getDeviceId());
    ProtocolVersions.check("CheckIn", parsed.getVersion());
  }
}
