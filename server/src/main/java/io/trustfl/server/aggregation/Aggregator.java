package io.trustfl.server.aggregation;

import io.trustfl.kernels.Kernels;

/**
 * Turns one round's client updates into one released average delta. {@link #open} starts a round's
 * {@link PartialAggregate} (feed it with {@link PartialAggregate#offer}, possibly on several threads and
 * {@link PartialAggregate#merge merged}); {@link #finish} releases it exactly once.
 *
 * <p>Implementations: {@link FedAvgAggregator} (no DP), and the wrappers {@link CentralDpAggregator} and
 * {@link LocalDpAggregator}, which reuse a plain aggregator's validation, clipping and summation.
 */
public interface Aggregator {

  /**
   * Opens an empty aggregate for a round.
   *
   * @param kernels backend that holds the sum (owned by the caller, must outlive the aggregate)
   * @param spec what valid updates of the round look like
   */
  PartialAggregate open(Kernels kernels, RoundSpec spec);

  /**
   * Releases the round's average delta once; the aggregate is finished afterwards (and should be closed by its
   * owner).
   *
   * @param partial an aggregate opened by this aggregator and not yet released
   */
  AggregateResult finish(PartialAggregate partial);
}
