/**
 * JMH benchmarks. Every benchmark class pairs the measured kernel with its physical reference (a plain read of the
 * same bytes, the JDK's own generator, the non-private step) so that results are read as ratios from one run; on a
 * shared 2-core machine absolute times mean little.
 */
package io.trustfl.bench;
