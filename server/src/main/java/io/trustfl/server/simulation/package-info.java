/**
 * Building blocks of fleet simulation: partitioners that split a centralized labelled data set into per-client
 * data sets following FedNLP (REFERENCES.md §3): IID, Dirichlet label skew, quantity skew, cluster (feature) skew on
 * encoder embeddings, and the natural split by user. Partitioners work on example indices and integer labels, so
 * they are independent of how examples are stored; every one is seeded and deterministic.
 *
 * <p>The randomness here ({@link java.util.SplittableRandom}) only shapes simulated data; it is never privacy
 * noise.
 */
package io.trustfl.server.simulation;
