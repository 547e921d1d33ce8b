package org.bitbudget.pipeline;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.bitbudget.search.Budget;
import org.bitbudget.search.GeneticStrategy;
import org.bitbudget.search.GreedyStrategy;
import org.bitbudget.search.InfeasibleBudgetException;
import org.bitbudget.search.Nsga2Strategy;
import org.bitbudget.search.SearchControl;
import org.bitbudget.search.SearchException;
import org.bitbudget.search.SearchProblem;
import org.bitbudget.search.SearchResult;
import org.bitbudget.search.SearchStrategies;
import org.bitbudget.search.SearchStrategy;
import org.bitbudget.search.UnknownStrategyException;

/**
 * Phase 5, strategy: runs the search strategy on the problem and insists on a config that meets every
 * budget. A budget no config meets is an error naming the budget, the cheapest total and how far over
 * it is.
 */
public final class StrategyPhase {
    private final SearchStrategy strategy;
    private final SearchControl control;

    public StrategyPhase(SearchStrategy strategy, SearchControl control) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.control = Objects.requireNonNull(control, "control");
    }

    /**
     * The strategy called {@code name}; with a {@code fitness}, the genetic strategy that maximises it.
     *
     * @throws SettingException for an unknown strategy, or a fitness given to one that is not genetic
     */
    static SearchStrategy named(String name, GeneticStrategy.Fitness fitness) {
        if (fitness != null) {
            return switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "ga" -> GeneticStrategy.builder().fitness(fitness).build();
                case "nsga2" -> Nsga2Strategy.builder().fitness(fitness).build();
                default ->
                    throw new SettingException(Setting.FITNESS, "applies to the ga and nsga2 strategies, not " + name);
            };
        }
        try {
            return SearchStrategies.byName(name);
        } catch (UnknownStrategyException e) {
            throw new SettingException(Setting.STRATEGY, e.reason());
        }
    }

    /**
     * The fitness called {@code name}: {@code measured} or {@code predicted}.
     *
     * @throws SettingException for another name
     */
    static GeneticStrategy.Fitness fitness(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "measured" -> GeneticStrategy.Fitness.MEASURED;
            case "predicted" -> GeneticStrategy.Fitness.PREDICTED;
            default -> throw new SettingException(Setting.FITNESS, "'" + name + "' is not measured or predicted");
        };
    }

    /**
     * The strategy's feasible result.
     *
     * @throws SettingException naming the budget no config meets, or the strategy that failed
     */
    public SearchResult run(SearchProblem problem, Costs costs) {
        SearchResult found;
        try {
            found = strategy.search(problem, control);
        } catch (InfeasibleBudgetException e) {
            throw infeasible(e, costs);
        } catch (SearchException e) {
            throw new SettingException(Setting.STRATEGY, strategy.name(), e.getMessage());
        }
        if (!found.feasible()) {
            throw new SettingException(
                    Setting.BUDGET,
                    (found.stoppedEarly() ? "the search stopped before it found" : strategy.name() + " found no")
                            + " config that meets every budget; give it more time or use ilp");
        }
        return found;
    }

    /** What {@code search} returns, or, when a cancel cuts it short, {@link #cutShort what it had found}. */
    static SearchResult orCutShort(
            Supplier<SearchResult> search,
            String strategy,
            SearchProblem problem,
            CalibrationObjective objective,
            SearchControl control) {
        try {
            return search.get();
        } catch (RuntimeException e) {
            if (!RunStopped.within(e)) {
                throw e;
            }
            return cutShort(strategy, problem, objective, control);
        }
    }

    /**
     * What a strategy that a cancel cut short had found: the best feasible config it measured, else the
     * greedy config (it needs no measurement), marked stopped early.
     */
    static SearchResult cutShort(
            String strategy, SearchProblem problem, CalibrationObjective objective, SearchControl control) {
        int[] best = objective.bestMeasured(problem);
        if (best == null) {
            try {
                best = new GreedyStrategy().search(problem, control).config();
            } catch (SearchException noGreedyConfig) {
                throw new SettingException(
                        Setting.BUDGET, "the search stopped before it found a config that meets every budget");
            }
        }
        return new SearchResult(strategy, problem.candidate(best), List.of(), 0, 0, true, false);
    }

    /** The error for a budget below every config: which budget, the cheapest total, how far over. */
    private static SettingException infeasible(InfeasibleBudgetException e, Costs costs) {
        if (e.budget() == null) {
            return new SettingException(Setting.BUDGET, e.getMessage());
        }
        Budget budget = costs.budgets().stream()
                .filter(b -> b.cost().equals(e.budget().cost()))
                .findFirst()
                .orElse(null);
        String unit = costs.table().model(e.budget().cost()).unit();
        return new SettingException(
                Setting.BUDGET,
                budget == null ? null : "'" + budget.text() + "'",
                String.format(
                        Locale.ROOT,
                        "no config meets it: the limit is %s %s and the cheapest config needs %s %s (%.1f%% over)",
                        amount(e.budget().limit()),
                        unit,
                        amount(e.cheapest()),
                        unit,
                        100 * e.gap() / e.budget().limit()));
    }

    /** A total for a message: grouped digits when whole and large, else four significant digits. */
    private static String amount(double v) {
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
