package io.trustfl.fairness;

/**
 * A point estimate with a two-sided percentile bootstrap confidence interval.
 *
 * @param estimate the statistic on the full sample
 * @param lower lower bound (the (1−level)/2 quantile of the bootstrap replicates)
 * @param upper upper bound (the (1+level)/2 quantile)
 * @param level confidence level in (0, 1)
 * @param replicates number of bootstrap replicates that gave a finite value
 */
public record Interval(double estimate, double lower, double upper, double level, int replicates) {}
