package io.trustfl.nativecpu;

import io.trustfl.kernels.AbstractStreamingAggregator;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.nativecpu.internal.NativeCpu;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Streaming aggregator of the cpu backend. Updates are added in blocks: each accepted update is read once by the
 * native kernel, which copies it into the next slot of a direct staging block while computing its norm; when the
 * block is full (or before the sum is read, merged or noised) one native pass adds the staged rows, scaled, to the
 * double accumulator, 32 columns at a time held in registers across the block's rows. The accumulator therefore
 * streams through the cache once per block instead of once per update, and each element still receives its
 * updates one at a time in arrival order, so the sums are the same as adding the updates one by one.
 *
 * <p>Not thread-safe (see {@link StreamingAggregator}); usable while its {@link CpuKernels} is open.
 */
final class CpuStreamingAggregator extends AbstractStreamingAggregator {
  /** System property: updates per staging block (1 … {@value #MAX_BLOCK_ROWS}); for tuning. */
  static final String BLOCK_ROWS_PROPERTY = "trustfl.cpu.aggregatorBlockRows";
  /** Most updates staged in one block. */
  static final int MAX_BLOCK_ROWS = 16;
  /** Staging memory per aggregator the default block size aims for. */
  static final long BLOCK_BYTES = 8L << 20;

  private final CpuKernels kernels;
  private final int blockRows;
  private final DoubleBuffer scales;
  private FloatBuffer block;
  private FloatBuffer[] slots;
  private DoubleBuffer sum;
  private int staged;

  CpuStreamingAggregator(CpuKernels kernels, int dim, double clipNorm) {
    super(dim, clipNorm);
    this.kernels = kernels;
    this.blockRows = blockRows(dim);
    this.scales = NativeBuffers.doubles(blockRows);
    this.block = NativeBuffers.floats(Math.multiplyExact(blockRows, dim));
    this.slots = new FloatBuffer[blockRows];
    for (int r = 0; r < blockRows; r++) {
      slots[r] = block.position(r * dim).slice();
    }
    block.position(0);
    this.sum = NativeBuffers.doubles(dim);
  }

  /** The default block: as many updates as fit in {@link #BLOCK_BYTES}, between 1 and {@value #MAX_BLOCK_ROWS}. */
  static int blockRows(int dim) {
    String forced = System.getProperty(BLOCK_ROWS_PROPERTY);
    if (forced != null) {
      int r;
      try {
        r = Integer.parseInt(forced.trim());
      } catch (NumberFormatException e) {
        r = -1;
      }
      if (r < 1 || r > MAX_BLOCK_ROWS) {
        throw new IllegalArgumentException("-D" + BLOCK_ROWS_PROPERTY + " must be an integer in [1, " + MAX_BLOCK_ROWS
            + "], got '" + forced + "'");
      }
      return r;
    }
    return (int) Math.max(1, Math.min(MAX_BLOCK_ROWS, BLOCK_BYTES / (4L * dim)));
  }

  @Override
  protected double addClipped(FloatBuffer update, double weight, double maxNorm) {
    int dim = dimension();
    FloatBuffer slot = slots[staged];
    double norm;
    long c = kernels.acquire();
    try {
      if (update.hasArray()) {
        norm = NativeCpu.tfl_copy_norm(update.array(), update.arrayOffset() + update.position(), slot, dim);
      } else {
        norm = NativeCpu.tfl_copy_norm(NativeBuffers.in(update, dim), 0, slot, dim);
      }
    } finally {
      kernels.release();
    }
    if (!(norm <= maxNorm)) {
      return norm; // rejected: the slot is reused by the next update
    }
    double scale = weight * clipFactor(norm);
    if (scale != 0.0) { // zero weights add nothing
      scales.put(staged, scale);
      if (++staged == blockRows) {
        flush();
      }
    }
    return norm;
  }

  /** Adds the staged updates to the accumulator and empties the block. */
  private void flush() {
    if (staged == 0) {
      return;
    }
    long c = kernels.acquire();
    try {
      NativeCpu.tfl_scale_add_rows(c, block, staged, dimension(), scales, sum);
    } finally {
      kernels.release();
    }
    staged = 0;
  }

  @Override
  protected void addSumOf(StreamingAggregator other) {
    int dim = dimension();
    DoubleBuffer o;
    flush();
    if (other instanceof CpuStreamingAggregator native0) {
      native0.ensureActive();
      native0.flush(); // its value is unchanged: staged updates move into its accumulator
      o = native0.sum;
    } else {
      o = DoubleBuffer.wrap(other.partialSum());
    }
    long c = kernels.acquire();
    try {
      NativeCpu.tfl_add(c, sum, NativeBuffers.in(o, dim), dim);
    } finally {
      kernels.release();
    }
  }

  @Override
  protected void addNoise(NoiseKey key, long nonce, double stddev) {
    flush();
    long c = kernels.acquire();
    try {
      NativeCpu.tfl_gaussian(c, key.words(), nonce, 0, sum, dimension(), stddev, 1);
    } finally {
      kernels.release();
    }
  }

  @Override
  protected double[] readSum() {
    flush();
    double[] out = new double[dimension()];
    sum.get(0, out);
    return out;
  }

  /** Drops the native accumulator. */
  @Override
  protected void free() {
    sum = null;
    block = null;
    slots = null;
  }
}
