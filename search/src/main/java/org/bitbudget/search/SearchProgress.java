package org.bitbudget.search;

/**
 * A progress report: the strategy, how many configs it has evaluated, the best feasible damage so
 * far (NaN if none) and the seconds since the search started.
 */
public record SearchProgress(String strategy, long evaluations, double bestDamage, double seconds) {}
