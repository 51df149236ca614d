package io.trustfl.privacy.analysis;

/**
 * An ε obtained from an RDP curve, with the Rényi order at which the conversion was tightest.
 *
 * @param epsilon the ε (≥ 0, possibly {@code +∞})
 * @param order the optimal Rényi order α (NaN when every order gave an infinite ε)
 */
public record EpsilonResult(double epsilon, double order) {}
