package org.bitbudget.search;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The strategies by their command-line names, with default settings. To add one, write its
 * {@link SearchStrategy} and add one {@link Entry} line to the list below: the command-line help, its
 * errors and the experiment YAML check read the names and descriptions from here.
 */
public final class SearchStrategies {
    /** One strategy: its name, a one-line description for help texts, and how to build it. */
    public record Entry(String name, String description, Supplier<SearchStrategy> factory) {}

    /** Every strategy, by name, in the order help texts list them. */
    private static final Map<String, Entry> ENTRIES = index(List.of(
            new Entry("ilp", "ILP, then measured refinement", RefinedStrategy::new),
            new Entry(
                    "ga",
                    "genetic search (Jenetics)",
                    () -> GeneticStrategy.builder().build()),
            new Entry(
                    "nsga2",
                    "multi-objective GA, Pareto front",
                    () -> Nsga2Strategy.builder().build()),
            new Entry("greedy", "lower layers until budgets hold", GreedyStrategy::new),
            new Entry("uniform", "best uniform config", UniformStrategy::new),
            new Entry("random", "best of 1,000 random configs", () -> new RandomStrategy(1000)),
            new Entry("exhaustive", "every config (up to 10^6)", ExhaustiveStrategy::new),
            new Entry("ilp-predicted", "integer program only (ojalgo)", IlpStrategy::new)));

    /** Every strategy's name, in {@link #entries()} order. */
    public static final List<String> NAMES = List.copyOf(ENTRIES.keySet());

    private SearchStrategies() {}

    private static Map<String, Entry> index(List<Entry> entries) {
        Map<String, Entry> map = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (map.putIfAbsent(e.name(), e) != null) {
                throw new IllegalStateException("strategy '" + e.name() + "' is registered twice");
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /** Every strategy, in the order help texts list them. */
    public static List<Entry> entries() {
        return List.copyOf(ENTRIES.values());
    }

    /**
     * The entry called {@code name}, ignoring case and surrounding spaces.
     *
     * @throws UnknownStrategyException for an unknown name, listing the known ones
     */
    public static Entry entry(String name) {
        Entry e = ENTRIES.get(name.strip().toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new UnknownStrategyException(name, NAMES);
        }
        return e;
    }

    /**
     * The strategy called {@code name} (ignoring case), with default settings.
     *
     * @throws UnknownStrategyException for an unknown name, listing the known ones
     */
    public static SearchStrategy byName(String name) {
        return entry(name).factory().get();
    }
}
