/**
 * TrustFL's model graphs and bundles: {@link io.trustfl.onnx.ModelGraphs} assembles a {@link
 * io.trustfl.onnx.ModelSpec}'s layers into the four graphs ({@code forward}, {@code train_step},
 * {@code dp_train_step}, {@code input_grad}) of the contract in this module's README; {@link
 * io.trustfl.onnx.IntentModels} defines the shipped models for any label list; {@link io.trustfl.onnx.Bundles}
 * packages them into checksummed {@code ModelBundle}s and {@link io.trustfl.onnx.BundleGenerator} writes the shipped
 * bundles at build time.
 *
 * <p>Nothing here runs ONNX Runtime: graphs are data. Running them is the device SDK's {@code model} package.
 */
package io.trustfl.onnx;
