package io.trustfl.fairness;

/**
 * CEAT random-effects combination of N effect sizes (Guo and Caliskan 2021; DerSimonian and Laird 1986).
 *
 * @param combinedEffectSize CES = Σ w*_i ES_i / Σ w*_i with w*_i = 1/(v_i + τ²)
 * @param standardError SE = √(1/Σ w*_i)
 * @param pValue one-sided p = 1 − Φ(CES/SE)
 * @param tau2 between-sample variance τ² = max(0, (Q − (N−1))/(Σw − Σw²/Σw)), w_i = 1/v_i
 * @param q Cochran's Q = Σ w_i ES_i² − (Σ w_i ES_i)²/Σ w_i
 * @param samples N
 */
public record CeatResult(double combinedEffectSize, double standardError, double pValue, double tau2, double q,
    int samples) {}
