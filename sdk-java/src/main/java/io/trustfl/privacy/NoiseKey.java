package io.trustfl.privacy;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * A 256-bit ChaCha20 key for the Gaussian noise stream.
 *
 * <p>Production keys come from {@link #random()} ({@link SecureRandom}). A fixed key, which makes the noise
 * predictable to anyone who knows it and therefore voids every DP guarantee, is available only through
 * {@link #insecureFixedKeyForTesting(byte[])}. {@link #toString()} never prints key material.
 *
 * <p>Immutable and thread-safe.
 */
public final class NoiseKey {
  /** Key length in bytes. */
  public static final int BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final int[] words;
  private final boolean insecure;

  private NoiseKey(byte[] bytes, boolean insecure) {
    Objects.requireNonNull(bytes, "key bytes");
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a noise key must be " + BYTES + " bytes, got " + bytes.length);
    }
    this.words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = (bytes[4 * i] & 0xff)
          | (bytes[4 * i + 1] & 0xff) << 8
          | (bytes[4 * i + 2] & 0xff) << 16
          | (bytes[4 * i + 3] & 0xff) << 24;
    }
    this.insecure = insecure;
  }

  /** A fresh key drawn from {@link SecureRandom}. */
  public static NoiseKey random() {
    byte[] bytes = new byte[BYTES];
    RANDOM.nextBytes(bytes);
    NoiseKey key = new NoiseKey(bytes, false);
    Arrays.fill(bytes, (byte) 0);
    return key;
  }

  /**
   * A key from fixed bytes, for reproducible tests and cross-backend comparisons only. Noise from a known key
   * provides no privacy: never use this for data that leaves a test.
   *
   * @param bytes 32 key bytes (the ChaCha20 key bytes, RFC 8439 order)
   */
  public static NoiseKey insecureFixedKeyForTesting(byte[] bytes) {
    return new NoiseKey(bytes.clone(), true);
  }

  /** The eight little-endian key words (a copy). */
  public int[] words() {
    return words.clone();
  }

  /** The 32 key bytes (a copy), for handing the key to a native backend. */
  public byte[] bytes() {
    byte[] out = new byte[BYTES];
    for (int i = 0; i < 8; i++) {
      out[4 * i] = (byte) words[i];
      out[4 * i + 1] = (byte) (words[i] >>> 8);
      out[4 * i + 2] = (byte) (words[i] >>> 16);
      out[4 * i + 3] = (byte) (words[i] >>> 24);
    }
    return out;
  }

  int[] wordsNoCopy() {
    return words;
  }

  /** True when the key was made by {@link #insecureFixedKeyForTesting(byte[])}. */
  public boolean isInsecure() {
    return insecure;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoiseKey other && Arrays.equals(words, other.words) && insecure == other.insecure;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return insecure ? "NoiseKey[insecure fixed test key]" : "NoiseKey[secret]";
  }
}
