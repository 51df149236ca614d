package io.trustfl.privacy;

import java.util.Objects;

/**
 * The ChaCha20 block function of RFC 8439 §2.3, addressed as in the original ChaCha design by a 64-bit block
 * counter (state words 12–13, low word first) and a 64-bit nonce (words 14–15, low word first).
 *
 * <p>The block function is byte-for-byte the RFC's; only the split of words 12–15 between counter and nonce differs
 * from RFC 8439's 32/96-bit split, which gives a 2<sup>64</sup>-block stream per (key, nonce). The RFC test vectors
 * are reproduced by passing the RFC's words 12–15 through {@link #blockFromState}. See {@code docs/NOISE.md}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChaCha20 {
  /** Words produced per block. */
  public static final int BLOCK_WORDS = 16;

  private static final int C0 = 0x61707865;
  private static final int C1 = 0x3320646e;
  private static final int C2 = 0x79622d32;
  private static final int C3 = 0x6b206574;

  private ChaCha20() {}

  /**
   * Computes one keystream block.
   *
   * @param key the eight little-endian key words
   * @param counter 64-bit block counter (state words 12 and 13)
   * @param nonce 64-bit nonce (state words 14 and 15)
   * @param out receives the 16 output words (keystream bytes are their little-endian serialization)
   */
  public static void block(int[] key, long counter, long nonce, int[] out) {
    block(key, (int) counter, (int) (counter >>> 32), (int) nonce, (int) (nonce >>> 32), out, 0);
  }

  /**
   * Computes one block from raw state words 12–15, as RFC 8439's test vectors state them.
   *
   * @param key the eight key words
   * @param words12to15 the four words placed after the key
   * @param out receives the 16 output words
   */
  public static void blockFromState(int[] key, int[] words12to15, int[] out) {
    Objects.requireNonNull(words12to15, "words12to15");
    if (words12to15.length != 4) {
      throw new IllegalArgumentException("words12to15 must have 4 words, got " + words12to15.length);
    }
    block(key, words12to15[0], words12to15[1], words12to15[2], words12to15[3], out, 0);
  }

  static void block(int[] key, int w12, int w13, int w14, int w15, int[] out, int outOffset) {
    if (key.length != 8) {
      throw new IllegalArgumentException("key must have 8 words, got " + key.length);
    }
    final int k0 = key[0], k1 = key[1], k2 = key[2], k3 = key[3];
    final int k4 = key[4], k5 = key[5], k6 = key[6], k7 = key[7];
    int x0 = C0, x1 = C1, x2 = C2, x3 = C3;
    int x4 = k0, x5 = k1, x6 = k2, x7 = k3;
    int x8 = k4, x9 = k5, x10 = k6, x11 = k7;
    int x12 = w12, x13 = w13, x14 = w14, x15 = w15;
    for (int round = 0; round < 10; round++) {
      // Column round.
      x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16);
      x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
      x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8);
      x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);

      x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16);
      x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
      x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8);
      x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);

      x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16);
      x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
      x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8);
      x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);

      x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16);
      x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
      x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8);
      x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);

      // Diagonal round.
      x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16);
      x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
      x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8);
      x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);

      x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16);
      x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
      x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8);
      x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);

      x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16);
      x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
      x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8);
      x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);

      x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16);
      x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
      x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8);
      x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
    }
    out[outOffset] = x0 + C0;
    out[outOffset + 1] = x1 + C1;
    out[outOffset + 2] = x2 + C2;
    out[outOffset + 3] = x3 + C3;
    out[outOffset + 4] = x4 + k0;
    out[outOffset + 5] = x5 + k1;
    out[outOffset + 6] = x6 + k2;
    out[outOffset + 7] = x7 + k3;
    out[outOffset + 8] = x8 + k4;
    out[outOffset + 9] = x9 + k5;
    out[outOffset + 10] = x10 + k6;
    out[outOffset + 11] = x11 + k7;
    out[outOffset + 12] = x12 + w12;
    out[outOffset + 13] = x13 + w13;
    out[outOffset + 14] = x14 + w14;
    out[outOffset + 15] = x15 + w15;
  }

  /** State arrays {@link #blocks} needs: 16 output words and the two counter words of each block. */
  static final int LANE_ARRAYS = 18;

  /**
   * Computes {@code n} blocks at once, "lane by lane": block {@code j} is lane {@code j} of every state word, so
   * that each step of the rounds is a loop over the blocks that C2 compiles to SIMD integer instructions (about
   * three times the single-block throughput with AVX-512 or AVX2; the same words as {@link #block}).
   *
   * @param key the eight key words
   * @param w14 state word 14 (nonce low word) of every block
   * @param w15 state word 15 (nonce high word) of every block
   * @param n number of blocks, at most the length of each lane array
   * @param lanes {@link #LANE_ARRAYS} arrays: on entry {@code lanes[16][j]} and {@code lanes[17][j]} hold state
   *     words 12 and 13 (the block counter) of block {@code j}; on return {@code lanes[k][j]} is output word
   *     {@code k} of block {@code j} for {@code k < 16}
   */
  static void blocks(int[] key, int w14, int w15, int n, int[][] lanes) {
    if (key.length != 8) {
      throw new IllegalArgumentException("key must have 8 words, got " + key.length);
    }
    final int k0 = key[0], k1 = key[1], k2 = key[2], k3 = key[3];
    final int k4 = key[4], k5 = key[5], k6 = key[6], k7 = key[7];
    final int[] s0 = lanes[0], s1 = lanes[1], s2 = lanes[2], s3 = lanes[3];
    final int[] s4 = lanes[4], s5 = lanes[5], s6 = lanes[6], s7 = lanes[7];
    final int[] s8 = lanes[8], s9 = lanes[9], s10 = lanes[10], s11 = lanes[11];
    final int[] s12 = lanes[12], s13 = lanes[13], s14 = lanes[14], s15 = lanes[15];
    final int[] c12 = lanes[16], c13 = lanes[17];
    for (int j = 0; j < n; j++) {
      s0[j] = C0; s1[j] = C1; s2[j] = C2; s3[j] = C3;
      s4[j] = k0; s5[j] = k1; s6[j] = k2; s7[j] = k3;
      s8[j] = k4; s9[j] = k5; s10[j] = k6; s11[j] = k7;
      s12[j] = c12[j]; s13[j] = c13[j]; s14[j] = w14; s15[j] = w15;
    }
    for (int round = 0; round < 10; round++) {
      // One double round per loop over the blocks: C2 vectorizes the loop body across blocks.
      for (int j = 0; j < n; j++) {
        int x0 = s0[j], x1 = s1[j], x2 = s2[j], x3 = s3[j];
        int x4 = s4[j], x5 = s5[j], x6 = s6[j], x7 = s7[j];
        int x8 = s8[j], x9 = s9[j], x10 = s10[j], x11 = s11[j];
        int x12 = s12[j], x13 = s13[j], x14 = s14[j], x15 = s15[j];
        x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
        x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
        x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
        x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
        x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
        x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
        x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
        x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
        x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
        x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
        x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
        x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
        x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
        x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
        x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
        x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        s0[j] = x0; s1[j] = x1; s2[j] = x2; s3[j] = x3;
        s4[j] = x4; s5[j] = x5; s6[j] = x6; s7[j] = x7;
        s8[j] = x8; s9[j] = x9; s10[j] = x10; s11[j] = x11;
        s12[j] = x12; s13[j] = x13; s14[j] = x14; s15[j] = x15;
      }
    }
    for (int j = 0; j < n; j++) {
      s0[j] += C0; s1[j] += C1; s2[j] += C2; s3[j] += C3;
      s4[j] += k0; s5[j] += k1; s6[j] += k2; s7[j] += k3;
      s8[j] += k4; s9[j] += k5; s10[j] += k6; s11[j] += k7;
      s12[j] += c12[j]; s13[j] += c13[j]; s14[j] += w14; s15[j] += w15;
    }
  }
}
