package org.bitbudget.cli;

import java.util.List;
import java.util.ListResourceBundle;
import java.util.function.Function;
import org.bitbudget.costs.CostModels;
import org.bitbudget.data.metric.Metrics;
import org.bitbudget.search.SearchStrategies;
import org.bitbudget.sensitivity.Estimators;

/**
 * The registered estimators, strategies and cost models, one {@code name  description} line each,
 * as the resource bundle of the commands whose option descriptions show them with
 * {@code ${bundle:estimators}}, {@code ${bundle:strategies}}, {@code ${bundle:cost-models}} and
 * {@code ${bundle:metrics}}. Built
 * from the registries, so a new entry appears in {@code --help} without editing a command.
 */
public final class RegistryHelp extends ListResourceBundle {
    /** The bundle name for {@code @Command(resourceBundle = ...)}. */
    static final String BUNDLE = "org.bitbudget.cli.RegistryHelp";

    @Override
    protected Object[][] getContents() {
        return new Object[][] {
            {"estimators", lines(Estimators.REGISTRY.entries(), Estimators.Entry::name, Estimators.Entry::description)},
            {
                "strategies",
                lines(SearchStrategies.entries(), SearchStrategies.Entry::name, SearchStrategies.Entry::description)
            },
            {"cost-models", lines(CostModels.REGISTRY.entries(), CostModels.Entry::name, CostModels.Entry::description)
            },
            {"metrics", lines(Metrics.REGISTRY.entries(), Metrics.Entry::name, Metrics.Entry::description)},
        };
    }

    /** One line per entry, the descriptions aligned; picocli starts each line at the description column. */
    static <E> String lines(List<E> entries, Function<E, String> name, Function<E, String> description) {
        int width = entries.stream().mapToInt(e -> name.apply(e).length()).max().orElse(0);
        StringBuilder b = new StringBuilder();
        for (E e : entries) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append("  ")
                    .append(name.apply(e))
                    .append(" ".repeat(width - name.apply(e).length() + 2))
                    .append(description.apply(e));
        }
        return b.toString();
    }
}
