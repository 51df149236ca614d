/**
 * Pure privacy-accounting math, without state: Rényi DP of the Poisson-subsampled Gaussian mechanism and its
 * conversion to (ε, δ) ({@link io.trustfl.privacy.analysis.Rdp}), and discretized privacy loss distributions with
 * FFT composition ({@link io.trustfl.privacy.analysis.PrivacyLossPmf}). Everything here is a function of its
 * arguments; the stateful accountants, budgets and ledgers that call it live in {@code io.trustfl.privacy}.
 */
package io.trustfl.privacy.analysis;
