/**
 * The round coordinator as a network service: devices check in, download the plan of the round they were selected
 * for and upload their {@code ClientUpdate}s over HTTP ({@link io.trustfl.server.coordinator.CoordinatorServer},
 * the JDK's {@code com.sun.net.httpserver}); the {@link io.trustfl.server.coordinator.Coordinator} runs the round
 * state machine (selection, reporting until the deadline or the last report, aggregation) and persists its state so
 * that a restart resumes the open round.
 *
 * <p>Validation, clipping, noise and server optimizers live in {@code aggregation}, selection strategies in
 * {@code selection}; nothing here re-implements them. Durability rule: an update is acknowledged only after it is on
 * disk; new global weights are served only after the state that holds them (and the accountant step that released
 * them) is on disk.
 */
package io.trustfl.server.coordinator;
