package io.trustfl.server.simulation;

import java.util.Map;

/**
 * One line of {@code metrics.jsonl}: what happened in one round. Nullable fields are absent when not measured
 * (accuracy only on evaluation rounds; norms only when an update was accepted). Under central DP the counts are the
 * server's operational log, not differentially private releases.
 *
 * @param round the round number (0-based)
 * @param accuracy test accuracy of the global model after the round, on evaluation rounds
 * @param testLoss mean test cross-entropy, on evaluation rounds
 * @param trainLoss mean of the devices' final local training losses
 * @param epsilon user-level ε spent up to and including this round (0 without DP)
 * @param delta the δ of {@code epsilon}
 * @param samplingRate q = the largest inclusion probability of any device this round
 * @param clipNorm the server clip norm of this round (+∞ reported as null: none)
 * @param noiseMultiplier σ of the central noise (0 without DP)
 * @param candidates devices that checked in
 * @param selected devices selected
 * @param dropped selected devices that never reported (simulated dropout)
 * @param refusedByReason devices that refused the plan, by reason
 * @param accepted updates summed
 * @param clipped accepted updates scaled down by server clipping
 * @param rejectedByReason updates rejected by the server, by reason
 * @param quorumMet whether the round completed (enough accepted updates); if not, the model did not change
 * @param normP10 10th percentile of the accepted updates' norms (before server clipping)
 * @param normP50 median update norm
 * @param normP90 90th percentile update norm
 * @param normMax largest update norm
 * @param arrivals examples that arrived on devices this round (continual setting)
 * @param storedExamples examples held by all devices after arrivals
 * @param seconds wall time of the round
 * @param fairness the round's on-device probe aggregates over the accepted updates ({@code fairness.<probe>.<metric>}
 *     means weighted by each device's probed examples, {@code .examples} and {@code .clients} totals, and
 *     {@code fairness.unknown_probes} summed), absent when the run names no probe; like the counts, an operational
 *     log that the central-DP accounting does not cover
 */
public record RoundMetrics(int round, Double accuracy, Double testLoss, Double trainLoss, double epsilon,
    double delta, double samplingRate, Double clipNorm, double noiseMultiplier, int candidates, int selected,
    int dropped, Map<String, Long> refusedByReason, long accepted, long clipped, Map<String, Long> rejectedByReason,
    boolean quorumMet, Double normP10, Double normP50, Double normP90, Double normMax, long arrivals,
    long storedExamples, double seconds, Map<String, Double> fairness) {}
