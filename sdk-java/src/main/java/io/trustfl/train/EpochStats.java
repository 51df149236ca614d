package io.trustfl.train;

/**
 * What happened in one epoch.
 *
 * @param epoch 1-based epoch number
 * @param steps optimizer steps taken in the epoch
 * @param examples examples processed (under DP the realized Poisson batch sizes summed)
 * @param trainLoss mean training loss over the examples processed (not privatized: for the operator's eyes only)
 * @param validationAccuracy accuracy on the validation split, NaN without one
 * @param validationLoss mean loss on the validation split, NaN without one
 * @param epsilonSpent ε spent so far at the ledger's δ (0 for plain training)
 * @param seconds wall-clock duration of the epoch's training steps (validation excluded)
 */
public record EpochStats(int epoch, int steps, long examples, double trainLoss, double validationAccuracy,
    double validationLoss, double epsilonSpent, double seconds) {}
