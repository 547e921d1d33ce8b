/**
 * Search strategies under hardware budgets (issue 9), over an abstract problem of plain numbers.
 *
 * <p>A {@link org.bitbudget.search.SearchProblem} holds a {@link org.bitbudget.search.SearchSpace}
 * (layers x candidate choices), a damage table (layer x choice, additive, higher is worse), named
 * additive cost tables, {@link org.bitbudget.search.Budget}s on total costs, forbidden and pinned
 * choices, and optionally an {@link org.bitbudget.search.Evaluator} that measures accuracy. A
 * {@link org.bitbudget.search.SearchStrategy} ({@code ilp}, {@code ga}, {@code nsga2}, {@code greedy},
 * {@code uniform}, {@code random}, {@code exhaustive}; see {@link org.bitbudget.search.SearchStrategies})
 * turns it into a {@link org.bitbudget.search.SearchResult} under a
 * {@link org.bitbudget.search.SearchControl} (seed, deadline, cancel flag, progress);
 * {@link org.bitbudget.search.ParetoSweep} solves the ILP over a grid of budget values. A budget no
 * config can meet raises {@link org.bitbudget.search.InfeasibleBudgetException}.
 */
package org.bitbudget.search;
