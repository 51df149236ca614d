package io.trustfl.server.simulation;

import java.util.SplittableRandom;

/**
 * Independent seeded random streams of a simulation, one per (seed, purpose, index): resuming at round r needs no
 * saved generator state, only r. Simulation randomness only; never privacy noise.
 */
final class Seeds {
  static final long PARTITION = 1;
  static final long DEVICES = 2;
  static final long ARRIVALS = 3;
  static final long SELECTION = 4;
  static final long DROPOUT = 5;
  static final long STORES = 6;

  private Seeds() {}

  /** SplitMix64's finalizer over the three values. */
  static long mix(long seed, long purpose, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + purpose * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static SplittableRandom random(long seed, long purpose, long index) {
    return new SplittableRandom(mix(seed, purpose, index));
  }

  /** A standard normal (Box–Muller). */
  static double normal(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A Poisson(λ) count: Knuth's product method for λ ≤ 30, a rounded normal approximation above. */
  static int poisson(double lambda, SplittableRandom r) {
    if (lambda > 30) {
      return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)));
    }
    double limit = Math.exp(-lambda);
    double p = r.nextDouble();
    int k = 0;
    while (p > limit) {
      p *= r.nextDouble();
      k++;
    }
    return k;
  }
}
