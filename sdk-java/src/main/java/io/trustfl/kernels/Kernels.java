package io.trustfl.kernels;

import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The batched DP kernels every backend implements with the same results (DESIGN.md, "Kernel SPI"): per-example
 * clipping and accumulation, ghost norms and clipped sums for linear layers, ChaCha20 Gaussian noise
 * ({@code docs/NOISE.md}), and streaming aggregation of client updates.
 *
 * <p><b>Buffers.</b> Every buffer argument is read or written from its {@code position()} on, without moving the
 * position; it must have at least the stated number of elements {@code remaining()}. Direct buffers in native byte
 * order are used without copying by native backends; heap buffers work everywhere (native backends may copy them).
 * Matrices are row-major. Accumulating outputs ({@code sum}, {@code weightGrad}, {@code biasGrad}) are added to, not
 * overwritten, so several batches can be accumulated into one output.
 *
 * <p><b>Non-finite input.</b> A row with a NaN or infinite element (or one whose weight is not finite) is reported in
 * the {@link ClipResult} and contributes nothing; it is never clipped into a sum.
 *
 * <p><b>Threads.</b> Implementations are thread-safe: independent calls may run concurrently. Instances hold
 * resources (native pools, device memory) and are closed by their owner; {@code close()} is idempotent and any call
 * after it throws {@link IllegalStateException}.
 */
public interface Kernels extends AutoCloseable {

  /** Backend name: "java", "cpu" or "cuda". */
  String name();

  /**
   * Clip-and-accumulate: for rows {@code g_i} of a {@code batch × dim} matrix, optional weights {@code w_i} (1 when
   * null) and clip norm {@code C}, adds {@code Σ_i w_i·min(1, C/‖g_i‖)·g_i} to {@code sum} and writes {@code ‖g_i‖}
   * (NaN for rejected rows) to {@code norms} when it is not null. Norms and the sum are accumulated in double.
   *
   * @param rows {@code batch·dim} floats
   * @param batch number of rows B ≥ 1
   * @param dim row length D ≥ 1
   * @param weights {@code batch} finite non-negative weights, or null for all ones
   * @param clipNorm C, finite and &gt; 0
   * @param sum {@code dim} doubles, added to
   * @param norms {@code batch} doubles written, or null
   * @return which rows were accepted, clipped or rejected
   */
  ClipResult clipAndAccumulate(FloatBuffer rows, int batch, int dim, FloatBuffer weights, double clipNorm,
      DoubleBuffer sum, DoubleBuffer norms);

  /**
   * Squared per-example gradient norms of a linear layer {@code y_t = a_t W + b} ({@code W} is {@code in × out}) by
   * the ghost identities, without materializing per-example gradients. For one token (seq = 1)
   * {@code ‖∂W‖² = ‖g‖²·‖a‖²}; for a sequence {@code ‖Σ_t a_t g_tᵀ‖²_F = Σ_{t,s} (a_t·a_s)(g_t·g_s)} (Gram matrices);
   * the bias adds {@code ‖Σ_t g_t‖²} when {@code shape.bias()}.
   *
   * @param shape batch, sequence length, input and output widths, bias flag
   * @param activations {@code batch·seq·in} floats: the layer's inputs
   * @param outputGrads {@code batch·seq·out} floats: the loss gradients with respect to the layer's outputs
   * @param squaredNorms {@code batch} doubles written
   */
  void linearGhostNormsSquared(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads,
      DoubleBuffer squaredNorms);

  /**
   * Clipped gradient sum of a linear layer: adds {@code Σ_i f_i Σ_t a_{i,t} g_{i,t}ᵀ} ({@code in × out}) to
   * {@code weightGrad} and {@code Σ_i f_i Σ_t g_{i,t}} to {@code biasGrad} when {@code shape.bias()}.
   *
   * @param factors {@code batch} per-example factors (clip factor times weight; 0 excludes an example)
   * @param weightGrad {@code in·out} doubles, added to
   * @param biasGrad {@code out} doubles, added to; ignored (may be null) without bias
   */
  void linearClippedSum(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads, DoubleBuffer factors,
      DoubleBuffer weightGrad, DoubleBuffer biasGrad);

  /**
   * Writes {@code out.remaining()} standard normals with indexes {@code firstIndex, firstIndex + 1, …} of the
   * ChaCha20 stream (key, nonce) to {@code out}; bit-identical on every backend ({@code docs/NOISE.md}).
   */
  void gaussian(NoiseKey key, long nonce, long firstIndex, DoubleBuffer out);

  /**
   * Adds {@code stddev·z_i} to {@code target[i]} for the normals {@code z_i} with indexes {@code firstIndex + i},
   * {@code i < target.remaining()}, computed as {@code target + (stddev·z)} in double.
   *
   * @param stddev finite and ≥ 0
   */
  void addGaussian(NoiseKey key, long nonce, long firstIndex, double stddev, DoubleBuffer target);

  /**
   * A streaming aggregator of client updates of length {@code dim}, clipped to {@code clipNorm}.
   *
   * @param dim update length ≥ 1
   * @param clipNorm finite and &gt; 0, or {@code Double.POSITIVE_INFINITY} for no clipping (updates are still
   *     validated)
   */
  StreamingAggregator newAggregator(int dim, double clipNorm);

  /** Releases the backend's resources; idempotent. */
  @Override
  void close();
}
