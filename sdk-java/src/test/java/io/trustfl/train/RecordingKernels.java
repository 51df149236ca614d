package io.trustfl.train;

import io.trustfl.kernels.ClipResult;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.Kernels;
import io.trustfl.kernels.LinearShape;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only kernel backend: delegates to {@link JavaKernels}, records every noise request, and (when
 * {@code silent}) adds no noise at all — the "noise switched off" path of behaviour tests. Never used outside tests.
 */
final class RecordingKernels implements Kernels {
  /** One addGaussian call. */
  record NoiseCall(NoiseKey key, long nonce, long firstIndex, double stddev, int length) {}

  private final JavaKernels delegate = new JavaKernels();
  private final boolean silent;
  final List<NoiseCall> calls = new ArrayList<>();

  RecordingKernels(boolean silent) {
    this.silent = silent;
  }

  @Override
  public String name() {
    return "test-recording";
  }

  @Override
  public ClipResult clipAndAccumulate(FloatBuffer rows, int batch, int dim, FloatBuffer weights, double clipNorm,
      DoubleBuffer sum, DoubleBuffer norms) {
    return delegate.clipAndAccumulate(rows, batch, dim, weights, clipNorm, sum, norms);
  }

  @Override
  public void linearGhostNormsSquared(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads,
      DoubleBuffer squaredNorms) {
    delegate.linearGhostNormsSquared(shape, activations, outputGrads, squaredNorms);
  }

  @Override
  public void linearClippedSum(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads,
      DoubleBuffer factors, DoubleBuffer weightGrad, DoubleBuffer biasGrad) {
    delegate.linearClippedSum(shape, activations, outputGrads, factors, weightGrad, biasGrad);
  }

  @Override
  public void gaussian(NoiseKey key, long nonce, long firstIndex, DoubleBuffer out) {
    delegate.gaussian(key, nonce, firstIndex, out);
  }

  @Override
  public void addGaussian(NoiseKey key, long nonce, long firstIndex, double stddev, DoubleBuffer target) {
    calls.add(new NoiseCall(key, nonce, firstIndex, stddev, target.remaining()));
    if (!silent) {
      delegate.addGaussian(key, nonce, firstIndex, stddev, target);
    }
  }

  @Override
  public StreamingAggregator newAggregator(int dim, double clipNorm) {
    return delegate.newAggregator(dim, clipNorm);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
