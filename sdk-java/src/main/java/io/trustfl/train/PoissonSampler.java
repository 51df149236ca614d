package io.trustfl.train;

import io.trustfl.privacy.ChaCha20;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Poisson sampling for DP-SGD: every example is included independently with probability {@code q}, so batch sizes
 * vary (mean {@code qN}) and may be zero. The privacy analysis of the subsampled Gaussian mechanism assumes exactly
 * this sampling; fixed-size shuffled batches would not match the accountant.
 *
 * <p>Implemented by geometric skipping (the gap to the next included example is Geometric(q):
 * {@code ⌊ln U / ln(1−q)⌋}), which needs about {@code qN} uniforms instead of {@code N}. Uniforms come from a
 * ChaCha20 keystream whose key is drawn from {@link SecureRandom}: the sampling is secret, which the amplification by
 * subsampling requires. Not thread-safe.
 */
public final class PoissonSampler {
  /** Source of uniforms in (0, 1]. Package-private so that seeded sources exist only in test code. */
  interface UniformSource {
    double nextOpenClosed();
  }

  private final UniformSource uniforms;

  PoissonSampler(UniformSource uniforms) {
    this.uniforms = uniforms;
  }

  /** A sampler whose randomness is a ChaCha20 stream keyed from {@link SecureRandom}. */
  public static PoissonSampler secure() {
    return new PoissonSampler(new ChaChaUniforms(new SecureRandom()));
  }

  /**
   * Draws one Poisson sample of {@code [0, n)}.
   *
   * @param n population size, ≥ 0
   * @param q inclusion probability in [0, 1]
   * @return the included indexes in increasing order (possibly none)
   */
  public int[] sample(int n, double q) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("q must be in [0, 1], got " + q);
    }
    if (q == 0 || n == 0) {
      return new int[0];
    }
    if (q == 1) {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      return all;
    }
    double logNotQ = Math.log1p(-q);
    int[] out = new int[Math.max(16, (int) Math.min(n, q * n * 1.5 + 16))];
    int count = 0;
    long next = -1;
    while (true) {
      double gap = Math.floor(Math.log(uniforms.nextOpenClosed()) / logNotQ);
      if (gap >= n) {
        break;
      }
      next += 1 + (long) gap;
      if (next >= n) {
        break;
      }
      if (count == out.length) {
        out = Arrays.copyOf(out, Math.min(n, out.length * 2));
      }
      out[count++] = (int) next;
    }
    return Arrays.copyOf(out, count);
  }

  /** Uniforms with 53 random bits from a ChaCha20 keystream (key from the given SecureRandom, nonce 0). */
  static final class ChaChaUniforms implements UniformSource {
    private final int[] key = new int[8];
    private final int[] block = new int[ChaCha20.BLOCK_WORDS];
    private long counter;
    private int word = ChaCha20.BLOCK_WORDS;

    ChaChaUniforms(SecureRandom random) {
      for (int i = 0; i < key.length; i++) {
        key[i] = random.nextInt();
      }
    }

    @Override
    public double nextOpenClosed() {
      if (word == ChaCha20.BLOCK_WORDS) {
        ChaCha20.block(key, counter++, 0L, block);
        word = 0;
      }
      long bits = (block[word] & 0xffffffffL) | ((long) block[word + 1] << 32);
      word += 2;
      return ((bits >>> 11) + 1) * 0x1p-53;
    }
  }
}
