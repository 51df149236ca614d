/**
 * Running models on a device: model bundles and their verification ({@link io.trustfl.model.ModelBundles}), ONNX
 * Runtime sessions over direct native-order buffers with pinned outputs ({@link io.trustfl.model.BundleRuntime}),
 * the MiniLM sentence encoder and its tokenizer ({@link io.trustfl.model.MiniLmEncoder}), the embedding cache
 * ({@link io.trustfl.model.EmbeddingCache}) and the hashed n-gram featurizer of the intent-bag family
 * ({@link io.trustfl.model.HashingFeaturizer}). Training loops, optimizers and privacy accounting do not live here
 * (see {@code train} and {@code privacy}); nothing here spends privacy budget.
 */
package io.trustfl.model;
