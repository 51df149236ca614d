/**
 * The federated device client: the crash-safe on-device {@link io.trustfl.client.ExampleStore} with storage caps and
 * retention policies, the host app's {@link io.trustfl.client.Eligibility} conditions, the
 * {@link io.trustfl.client.FederatedClient} that turns a task plan and the stored examples into a clipped, optionally
 * noised and quantized {@code ClientUpdate} through a pipeline of {@link io.trustfl.client.UpdateStage}s, and the
 * {@link io.trustfl.client.HttpTransport} that talks to the coordinator.
 *
 * <p>Everything here must run on Android: no {@code java.net.http}, no desktop-only APIs. Local training is the
 * {@link io.trustfl.train.Trainer}'s; nothing here re-implements it. Privacy-relevant randomness (local DP noise)
 * comes from the kernel backend's ChaCha20 stream with a fresh {@link io.trustfl.privacy.NoiseKey#random()} key.
 */
package io.trustfl.client;
