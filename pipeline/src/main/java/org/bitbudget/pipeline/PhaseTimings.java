package org.bitbudget.pipeline;

/**
 * Wall times of the phases of a {@link SearchPipeline} run, in seconds.
 *
 * @param sensitivity the sensitivity table
 * @param costs       the cost table (measured latency included when asked for)
 * @param search      the problem and the strategy
 * @param evaluation  the chosen config's evaluation
 * @param total       the whole run, Pareto sweep and uniform configs included
 */
public record PhaseTimings(double sensitivity, double costs, double search, double evaluation, double total) {}
