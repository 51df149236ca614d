package io.trustfl.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 8439 test vectors for the block function (§2.3.2 and Appendix A.1). */
class ChaCha20Test {
  private static int[] keyWords(byte[] key) {
    int[] w = new int[8];
    ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(w);
    return w;
  }

  private static byte[] keystream(byte[] key, int[] words12to15) {
    int[] out = new int[16];
    ChaCha20.blockFromState(keyWords(key), words12to15, out);
    ByteBuffer bb = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    bb.asIntBuffer().put(out);
    return bb.array();
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void rfc8439Section232BlockFunction() {
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) i;
    }
    int[] out = new int[16];
    // Block count 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00 read as little-endian words.
    ChaCha20.blockFromState(keyWords(key), new int[] {1, 0x09000000, 0x4a000000, 0}, out);
    int[] expected = {
      0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3,
      0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
      0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
      0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2};
    assertArrayEquals(expected, out);
  }

  @Test
  void rfc8439AppendixA1Vectors() {
    byte[] zero = new byte[32];
    assertArrayEquals(hex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
        + "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"), keystream(zero, new int[] {0, 0, 0, 0}));
    assertArrayEquals(hex("9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
        + "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f"), keystream(zero, new int[] {1, 0, 0, 0}));
    byte[] k3 = new byte[32];
    k3[31] = 1;
    assertArrayEquals(hex("3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
        + "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0"), keystream(k3, new int[] {1, 0, 0, 0}));
    byte[] k4 = new byte[32];
    k4[1] = (byte) 0xff;
    assertArrayEquals(hex("72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
        + "13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096"), keystream(k4, new int[] {2, 0, 0, 0}));
    // Nonce 00..00 02 (last byte): word 15 = 0x02000000.
    assertArrayEquals(hex("c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
        + "8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d"),
        keystream(zero, new int[] {0, 0, 0, 0x02000000}));
  }

  @Test
  void counterAndNonceAreSplitLowWordFirst() {
    int[] key = keyWords(new byte[32]);
    int[] viaAddress = new int[16];
    int[] viaState = new int[16];
    ChaCha20.block(key, 0x0000000500000003L, 0x0000000b00000009L, viaAddress);
    ChaCha20.blockFromState(key, new int[] {3, 5, 9, 11}, viaState);
    assertArrayEquals(viaState, viaAddress);
  }

  @Test
  void rejectsMalformedKeysAndStates() {
    assertThrows(IllegalArgumentException.class, () -> ChaCha20.block(new int[7], 0, 0, new int[16]));
    assertThrows(IllegalArgumentException.class,
        () -> ChaCha20.blockFromState(new int[8], new int[3], new int[16]));
  }

  @Test
  void manyBlocksAtOnceMatchTheRfcVectorAndTheSingleBlockFunction() {
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) i;
    }
    int[][] lanes = new int[ChaCha20.LANE_ARRAYS][70];
    // §2.3.2 again, as lane 0 of a one-block call.
    lanes[16][0] = 1;
    lanes[17][0] = 0x09000000;
    ChaCha20.blocks(keyWords(key), 0x4a000000, 0, 1, lanes);
    int[] expected = {
      0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3,
      0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
      0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
      0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2};
    for (int k = 0; k < 16; k++) {
      assertEquals(expected[k], lanes[k][0], "word " + k);
    }
    // Every block count the vector loops split differently, counters crossing the 32-bit carry.
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    int[] single = new int[16];
    for (int n = 1; n <= 70; n++) {
      int[] kw = {rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), rnd.nextInt(),
          rnd.nextInt(), rnd.nextInt()};
      long nonce = rnd.nextLong();
      long first = 0xffffffffL - rnd.nextInt(80);
      for (int j = 0; j < n; j++) {
        lanes[16][j] = (int) (first + j);
        lanes[17][j] = (int) ((first + j) >>> 32);
      }
      ChaCha20.blocks(kw, (int) nonce, (int) (nonce >>> 32), n, lanes);
      for (int j = 0; j < n; j++) {
        ChaCha20.block(kw, first + j, nonce, single);
        for (int k = 0; k < 16; k++) {
          assertEquals(single[k], lanes[k][j], "n " + n + " block " + j + " word " + k);
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> ChaCha20.blocks(new int[7], 0, 0, 1, lanes));
  }
}
