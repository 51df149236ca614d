package io.trustfl.cuda;

import io.trustfl.kernels.ClipResult;
import io.trustfl.kernels.ClipTally;
import io.trustfl.kernels.KernelChecks;
import io.trustfl.kernels.Kernels;
import io.trustfl.kernels.LinearShape;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CUDA kernel backend. Each call copies its inputs to the device on a stream of its own, runs the kernels and
 * copies the results back before returning (an explicit synchronization point), so independent calls may run
 * concurrently from several threads. Results equal the Java backend's: noise bit for bit; linear-layer sums and the
 * streaming aggregator bit for bit (same order of double additions, no fused multiply-add); row norms, ghost norms
 * and clip-and-accumulate sums to rounding (norms are reduced in a different order on the GPU).
 *
 * <p>Clip-and-accumulate runs two passes over the rows: per-row norms (block reductions in double), then a weighted
 * column sum in which consecutive threads read consecutive columns (coalesced). The clip factors are computed on the
 * host between the passes with {@link ClipMath#clipFactor}, exactly as the Java backend does.
 */
public final class CudaKernels implements Kernels {
  private final CudaDeviceInfo device;
  private final AtomicBoolean closed = new AtomicBoolean();

  CudaKernels(CudaDeviceInfo device) {
    this.device = device;
  }

  @Override
  public String name() {
    return "cuda";
  }

  /** The device this backend runs on. */
  public CudaDeviceInfo device() {
    return device;
  }

  @Override
  public ClipResult clipAndAccumulate(FloatBuffer rows, int batch, int dim, FloatBuffer weights, double clipNorm,
      DoubleBuffer sum, DoubleBuffer norms) {
    ensureOpen();
    KernelChecks.clipArgs(rows, batch, dim, weights, clipNorm, sum, norms);
    long n = (long) batch * dim;
    try (CudaStream stream = new CudaStream();
        DeviceBuffer dRows = DeviceBuffer.ofFloats(n);
        DeviceBuffer dNorms = DeviceBuffer.ofDoubles(batch);
        DeviceBuffer dScratch = DeviceBuffer.allocate(CudaNative.tfc_row_norms_scratch_bytes(batch, dim))) {
      dRows.upload(rows, (int) n, stream);
      CudaRuntime.check(CudaNative.tfc_row_norms(dRows.handle(), batch, dim, dScratch.handle(), dNorms.handle(),
          stream.handle()), "row norms kernel");
      double[] rowNorms = dNorms.downloadDoubles(batch, stream);

      // Same decisions, in the same order, as JavaKernels.clipAndAccumulate; an invalid weight throws before
      // anything is added to the sum.
      double[] factors = new double[batch];
      ClipTally tally = new ClipTally(batch, clipNorm, norms);
      boolean any = false;
      for (int i = 0; i < batch; i++) {
        double w = weights == null ? 1.0 : weights.get(weights.position() + i);
        if (w < 0) {
          throw new IllegalArgumentException("weights must be >= 0, got " + w + " at row " + i);
        }
        factors[i] = tally.row(i, rowNorms[i], w);
        any |= factors[i] != 0.0;
      }
      if (any) {
        try (DeviceBuffer dSum = DeviceBuffer.ofDoubles(dim);
            DeviceBuffer dFactors = DeviceBuffer.ofDoubles(batch)) {
          dSum.upload(sum, dim, stream);
          dFactors.upload(DoubleBuffer.wrap(factors), batch, stream);
          CudaRuntime.check(CudaNative.tfc_weighted_column_sum(dRows.handle(), dFactors.handle(), batch, dim,
              dSum.handle(), stream.handle()), "weighted column sum kernel");
          dSum.download(sum, dim, stream);
        }
      }
      return tally.result();
    }
  }

  @Override
  public void linearGhostNormsSquared(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads,
      DoubleBuffer squaredNorms) {
    ensureOpen();
    KernelChecks.linearGhostArgs(shape, activations, outputGrads, squaredNorms);
    try (CudaStream stream = new CudaStream();
        DeviceBuffer dA = DeviceBuffer.ofFloats(shape.activationCount());
        DeviceBuffer dG = DeviceBuffer.ofFloats(shape.outputGradCount());
        DeviceBuffer dOut = DeviceBuffer.ofDoubles(shape.batch())) {
      dA.upload(activations, shape.activationCount(), stream);
      dG.upload(outputGrads, shape.outputGradCount(), stream);
      CudaRuntime.check(CudaNative.tfc_linear_ghost_norms_sq(dA.handle(), dG.handle(), shape.batch(), shape.seq(),
          shape.in(), shape.out(), shape.bias() ? 1 : 0, dOut.handle(), stream.handle()), "ghost norms kernel");
      dOut.download(squaredNorms, shape.batch(), stream);
    }
  }

  @Override
  public void linearClippedSum(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads,
      DoubleBuffer factors, DoubleBuffer weightGrad, DoubleBuffer biasGrad) {
    ensureOpen();
    int weights = KernelChecks.linearClippedSumArgs(shape, activations, outputGrads, factors, weightGrad, biasGrad);
    for (int b = 0; b < shape.batch(); b++) {
      double f = factors.get(factors.position() + b);
      if (!Double.isFinite(f)) {
        throw new IllegalArgumentException("factors must be finite, got " + f + " at example " + b);
      }
    }
    try (CudaStream stream = new CudaStream();
        DeviceBuffer dA = DeviceBuffer.ofFloats(shape.activationCount());
        DeviceBuffer dG = DeviceBuffer.ofFloats(shape.outputGradCount());
        DeviceBuffer dF = DeviceBuffer.ofDoubles(shape.batch());
        DeviceBuffer dW = DeviceBuffer.ofDoubles(weights);
        DeviceBuffer dB = DeviceBuffer.ofDoubles(shape.out())) {
      dA.upload(activations, shape.activationCount(), stream);
      dG.upload(outputGrads, shape.outputGradCount(), stream);
      dF.upload(factors, shape.batch(), stream);
      dW.upload(weightGrad, weights, stream);
      if (shape.bias()) {
        dB.upload(biasGrad, shape.out(), stream);
      }
      CudaRuntime.check(CudaNative.tfc_linear_clipped_sum(dA.handle(), dG.handle(), dF.handle(), shape.batch(),
          shape.seq(), shape.in(), shape.out(), shape.bias() ? 1 : 0, dW.handle(), dB.handle(), stream.handle()),
          "linear clipped sum kernel");
      dW.download(weightGrad, weights, stream);
      if (shape.bias()) {
        dB.download(biasGrad, shape.out(), stream);
      }
    }
  }

  @Override
  public void gaussian(NoiseKey key, long nonce, long firstIndex, DoubleBuffer out) {
    ensureOpen();
    Objects.requireNonNull(key, "key");
    int n = out.remaining();
    if (n == 0) {
      return;
    }
    try (CudaStream stream = new CudaStream(); DeviceBuffer d = DeviceBuffer.ofDoubles(n)) {
      CudaRuntime.check(CudaNative.tfc_gaussian(key.words(), nonce, firstIndex, n, 1.0, 0, d.handle(),
          stream.handle()), "gaussian kernel");
      d.download(out, n, stream);
    }
  }

  @Override
  public void addGaussian(NoiseKey key, long nonce, long firstIndex, double stddev, DoubleBuffer target) {
    ensureOpen();
    Objects.requireNonNull(key, "key");
    KernelChecks.stddev(stddev);
    int n = target.remaining();
    if (n == 0) {
      return;
    }
    try (CudaStream stream = new CudaStream(); DeviceBuffer d = DeviceBuffer.ofDoubles(n)) {
      d.upload(target, n, stream);
      CudaRuntime.check(CudaNative.tfc_gaussian(key.words(), nonce, firstIndex, n, stddev, 1, d.handle(),
          stream.handle()), "gaussian kernel");
      d.download(target, n, stream);
    }
  }

  @Override
  public StreamingAggregator newAggregator(int dim, double clipNorm) {
    ensureOpen();
    return new CudaStreamingAggregator(dim, clipNorm);
  }

  @Override
  public void close() {
    closed.set(true);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the cuda kernel backend is closed");
    }
  }
}
