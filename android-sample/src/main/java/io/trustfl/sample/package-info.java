/**
 * The TrustFL Android sample: an app that classifies what the user types with the on-device intent model, keeps
 * the examples the user confirms in the SDK's {@link io.trustfl.client.ExampleStore} (with its storage cap), and
 * takes part in federated rounds from a {@link android.app.job.JobService} only while the device is charging, idle
 * and on an unmetered network ({@link io.trustfl.sample.AndroidEligibility} implements the SDK's
 * {@link io.trustfl.client.Eligibility} with the framework's battery, power and connectivity services).
 *
 * <p>Everything here must run on Android API 26 (checked in the build). Federated logic (training, clipping,
 * privacy accounting, transport) is the SDK's; this package only wires it to the Android framework and the UI.
 */
package io.trustfl.sample;
