/**
 * Server-side aggregation of {@link io.trustfl.proto.ClientUpdate}s: validation (every rejected update is counted
 * by {@link io.trustfl.server.aggregation.RejectionReason}, never summed), re-clipping, the weighted sum through a
 * kernel {@link io.trustfl.kernels.StreamingAggregator}, the DP wrappers (central DP-FedAvg with fixed or adaptive
 * clipping, local DP) and the server optimizers of FedOpt (Reddi et al. 2021).
 *
 * <p>A round's state before release is a {@link io.trustfl.server.aggregation.PartialAggregate}: an associative,
 * commutative sum that can be merged across threads or machines, finished by one noise draw. Privacy accounting does
 * not live here: the round loop steps the accountant with the noise multiplier and sampling rate reported here.
 */
package io.trustfl.server.aggregation;
