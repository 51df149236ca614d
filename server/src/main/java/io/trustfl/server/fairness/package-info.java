/**
 * Server-side fairness experiments behind {@code trustfl fairness}: SEAT/WEAT and CEAT-style tests of the MiniLM
 * encoder on the sent-bias sets ({@link io.trustfl.server.fairness.SeatSuite}), the HateXplain extrinsic evaluation
 * ({@link io.trustfl.server.fairness.HateXplain}), and the gender probe with mitigation on an intent set
 * ({@link io.trustfl.server.fairness.GenderProbeExperiment}). The metric math lives in sdk-java's
 * {@code io.trustfl.fairness}; nothing here re-implements it.
 */
package io.trustfl.server.fairness;
