/**
 * Which devices train in a round: {@link io.trustfl.server.selection.UniformSelection},
 * {@link io.trustfl.server.selection.ActivityProportionalSelection} (probability proportional to the examples a
 * device holds, as in the Amazon ICASSP 2022 device-selection study) and the
 * {@link io.trustfl.server.selection.OverSelection} wrapper (select more to absorb dropout, require a minimum
 * quorum). Every strategy reports each candidate's exact inclusion probability for the round.
 *
 * <p><b>Privacy accounting under non-uniform selection.</b> The accountant's sampling rate q is
 * {@link io.trustfl.server.selection.Selection#maxInclusionProbability()}. Under
 * {@link io.trustfl.server.selection.SamplingScheme#POISSON} each device is included independently with its own
 * probability π_i ≤ q; the Poisson-subsampled Gaussian's privacy loss grows with the sampling rate, so accounting
 * with q = max π_i bounds every device's loss. Under {@link io.trustfl.server.selection.SamplingScheme#FIXED_SIZE}
 * (exactly k devices, without replacement) accounting with q as if it were Poisson is the common practice (TF
 * Privacy, Opacus, TFF), not a proof: sampling without replacement is analysed under substitution adjacency
 * (Wang, Balle, Kasiviswanathan 2019) and the bound differs; use POISSON where the ε is a claim. Both assume the
 * probabilities are fixed before the round from reported activity and that who was selected stays hidden from the
 * adversary (amplification by sampling needs secret sampling randomness); the dependence of π on reported activity
 * is not itself accounted for.
 *
 * <p>Randomness comes from a {@link java.util.SplittableRandom} passed in: seeded for reproducible simulations;
 * seed it from {@link java.security.SecureRandom} ({@link io.trustfl.server.selection.Selection#secureRandom()})
 * in production. It is sampling randomness, not noise: privacy noise only ever comes from the ChaCha20 stream.
 */
package io.trustfl.server.selection;
