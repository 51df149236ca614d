package io.trustfl.train;

import java.util.List;
import java.util.Objects;

/**
 * Outcome of a training run.
 *
 * @param params the trained parameters (the best validation epoch's when {@code restoreBest}; owned by the caller)
 * @param history one entry per epoch run
 * @param bestEpoch 1-based epoch whose parameters were returned (the last one without validation)
 * @param stopReason why training ended
 * @param noiseMultiplier σ used (0 for plain training)
 * @param samplingRate q used (0 for plain training)
 * @param steps optimizer steps taken in total
 * @param epsilonSpent ε spent at the ledger's δ after the run (0 for plain training)
 * @param message a human-readable note on how the run ended
 */
public record TrainingResult(Params params, List<EpochStats> history, int bestEpoch, StopReason stopReason,
    double noiseMultiplier, double samplingRate, long steps, double epsilonSpent, String message) {
  /** Copies the history. */
  public TrainingResult {
    Objects.requireNonNull(params, "params");
    history = List.copyOf(history);
    Objects.requireNonNull(stopReason, "stopReason");
  }
}
