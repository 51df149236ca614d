package io.trustfl.fairness;

/**
 * Counterfactual token fairness over pairs (x, x′) where x′ swaps x's identity terms (Garg et al. 2019).
 *
 * @param gap CTF gap = mean |f(x) − f(x′)| over the pairs
 * @param flipRate share of pairs whose decision f ≥ threshold differs between x and x′
 * @param threshold decision threshold
 * @param pairs number of pairs (examples whose text the swap changed)
 */
public record CounterfactualResult(double gap, double flipRate, double threshold, int pairs) {}
