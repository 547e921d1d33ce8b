package org.bitbudget.search;

/**
 * A way to search a {@link SearchProblem}. Implementations are stateless and thread-safe; every one
 * throws {@link InfeasibleBudgetException} when a budget is below the cheapest attainable total.
 */
@FunctionalInterface
public interface SearchStrategy {
    SearchResult search(SearchProblem problem, SearchControl control);

    /** The name the CLI uses ({@code ilp}, {@code ga}, …). */
    default String name() {
        return getClass().getSimpleName();
    }
}
