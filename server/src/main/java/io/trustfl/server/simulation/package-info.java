/**
 * Fleet simulation. Partitioners split a centralized labelled data set into per-client data sets following FedNLP
 * (REFERENCES.md §3): IID, Dirichlet label skew, quantity skew, cluster (feature) skew on encoder embeddings, and
 * the natural split by user; they work on example indices and integer labels and are seeded and deterministic.
 * {@link io.trustfl.server.simulation.Simulator} runs whole federated trainings over a fleet of real
 * {@link io.trustfl.client.FederatedClient}s and on-disk example stores (static or continual), with the server's
 * selection, aggregation, central DP and accounting, writing metrics, an HTML report and resumable checkpoints.
 * {@link io.trustfl.server.simulation.AuditHook} (privacy audits only, via {@code Simulator.runAudit}) adds canary
 * clients or planted examples to one in-process run; it is no part of the configuration or of the deployment path.
 *
 * <p>The randomness here ({@link java.util.SplittableRandom}) only shapes simulated data, selection and dropout;
 * it is never privacy noise, which comes from the aggregators' ChaCha20 stream under a secret key.
 */
package io.trustfl.server.simulation;
