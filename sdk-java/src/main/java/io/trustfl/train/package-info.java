/**
 * The local trainer: plain mini-batch training and DP-SGD (Abadi et al. 2016) with Poisson sampling, per-example
 * clipping done by the model's {@code dp_train_step}, secure Gaussian noise from the kernel backend and division by
 * the expected batch size; SGD with momentum and Adam; early stopping; budget enforcement through the privacy
 * ledger; atomic persistence of trained weights.
 *
 * <p>The trainer talks to a model only through {@link io.trustfl.train.StepModel}, so it is independent of ONNX
 * Runtime; {@link io.trustfl.train.OnnxStepModel} implements it over a model bundle's graphs and
 * {@link io.trustfl.train.TextFeatures} turns texts into its inputs (cached sentence embeddings or hashed n-grams). Nothing here draws privacy-relevant randomness from {@code java.util.Random}: Poisson sampling uses a
 * ChaCha20 stream keyed from {@link java.security.SecureRandom}; seeded samplers exist only in test code.
 */
package io.trustfl.train;
