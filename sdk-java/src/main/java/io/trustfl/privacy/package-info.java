/**
 * Differential-privacy math and the small stateful objects around it: clipping ({@link io.trustfl.privacy.ClipMath}),
 * secure Gaussian noise from ChaCha20 ({@link io.trustfl.privacy.ChaChaGaussian}, {@link io.trustfl.privacy.NoiseKey};
 * specified in {@code docs/NOISE.md}), privacy accountants (RDP and PLD), noise calibration and budgets.
 * Pure analysis functions are kept apart from the stateful accountants that call them. Nothing here uses
 * {@code java.util.Random}: test-only generators live in test code.
 */
package io.trustfl.privacy;
