package org.bitbudget.search;

import java.util.List;
import java.util.Locale;

/** The strategies by their CLI names, with default settings. */
public final class SearchStrategies {
    public static final List<String> NAMES = List.of("ilp", "ga", "nsga2", "greedy", "uniform", "random", "exhaustive");

    private SearchStrategies() {}

    /** {@code ilp}, {@code ga}, {@code nsga2}, {@code greedy}, {@code uniform}, {@code random}, {@code exhaustive}. */
    public static SearchStrategy byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ilp" -> new IlpStrategy();
            case "ga" -> GeneticStrategy.builder().build();
            case "nsga2" -> Nsga2Strategy.builder().build();
            case "greedy" -> new GreedyStrategy();
            case "uniform" -> new UniformStrategy();
            case "random" -> new RandomStrategy(1000);
            case "exhaustive" -> new ExhaustiveStrategy();
            default -> throw new SearchException("strategy: '" + name + "' is not one of " + String.join(", ", NAMES));
        };
    }
}
