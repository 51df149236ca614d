/**
 * Fairness probes that run on a device's own encoder, model and data: embedding association tests
 * ({@link io.trustfl.fairness.AssociationTests}, WEAT/SEAT and the CEAT random-effects combination), group metrics of
 * a classifier's scores ({@link io.trustfl.fairness.GroupMetrics}, {@link io.trustfl.fairness.BiasAucs}, with
 * {@link io.trustfl.fairness.Bootstrap} intervals), counterfactual probes over identity-term swaps
 * ({@link io.trustfl.fairness.GenderSwapper}, {@link io.trustfl.fairness.CounterfactualProbe}), prediction
 * sensitivity through a bundle's {@code input_grad} graph ({@link io.trustfl.fairness.PredictionSensitivity},
 * {@link io.trustfl.fairness.InputGradients}) and counterfactual mitigation ({@link io.trustfl.fairness.Mitigation}).
 *
 * <p>What leaves a device is a {@link io.trustfl.fairness.ProbeMetrics}: aggregate numbers under validated keys,
 * optionally noised, never an example. Training and privacy accounting do not live here (see {@code train} and
 * {@code privacy}); the math is kept in stateless utility classes apart from the ONNX-backed gradient runner.
 */
package io.trustfl.fairness;
