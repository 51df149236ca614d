package io.trustfl.privacy.analysis;

/**
 * Direction of add/remove adjacency for the subsampled Gaussian mechanism. Under Poisson subsampling the privacy
 * loss distributions of the two directions differ; a guarantee for add/remove adjacency takes the worse of the two.
 */
public enum Adjacency {
  /** The neighbouring data set has one more example: P = N(0, σ²), Q = (1 − q)·N(0, σ²) + q·N(1, σ²). */
  ADD,
  /** The neighbouring data set has one example less: P = (1 − q)·N(0, σ²) + q·N(1, σ²), Q = N(0, σ²). */
  REMOVE
}
