package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bitbudget.costs.CostModels;
import org.bitbudget.search.SearchStrategies;
import org.bitbudget.sensitivity.Estimators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registries make the command line's lists of names: every registered estimator, strategy and
 * cost model is in {@code --help} with its description, and in the one-line error for an unknown name.
 * The expectations come from the registries, so they hold for entries added later.
 */
class RegistryHelpTest {
    private static final Path LENET =
            Path.of(System.getProperty("bitbudget.shared", "../../shared")).resolve("models/lenet5.onnx");

    /** The help line of each entry: the name, then its whole description, on one line. */
    private static void assertListed(String help, List<String> names, List<String> descriptions) {
        List<String> lines = help.lines().map(String::strip).toList();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String description = descriptions.get(i);
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.startsWith(name + " ")
                                    && l.endsWith(" " + description)
                                    && l.substring(name.length(), l.length() - description.length())
                                            .isBlank()),
                    name + " " + description + " on one line of:\n" + help);
        }
    }

    private static String help(String command) {
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(command, "--help");
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    private static List<String> estimatorDescriptions() {
        return Estimators.REGISTRY.entries().stream()
                .map(Estimators.Entry::description)
                .toList();
    }

    @Test
    void helpListsEveryRegisteredNameWithItsDescription() {
        String search = help("search");
        assertListed(search, Estimators.NAMES, estimatorDescriptions());
        assertListed(
                search,
                SearchStrategies.NAMES,
                SearchStrategies.entries().stream()
                        .map(SearchStrategies.Entry::description)
                        .toList());
        assertListed(help("sensitivity"), Estimators.NAMES, estimatorDescriptions());
        assertListed(
                help("costs"),
                CostModels.NAMES,
                CostModels.REGISTRY.entries().stream()
                        .map(CostModels.Entry::description)
                        .toList());
        assertTrue(search.lines().anyMatch(l -> l.strip().startsWith("measured ")), search);
        assertTrue(search.lines().anyMatch(l -> l.strip().startsWith("ilp ")), search);
    }

    @Test
    void anUnknownNameIsOneLineListingEveryRegisteredName(@TempDir Path dir) throws Exception {
        String model = LENET.toString();
        expectOneLine(
                "bitbudget: --strategy: 'annealing' is not one of " + String.join(", ", SearchStrategies.NAMES),
                "search",
                "--model",
                model,
                "--strategy",
                "annealing",
                "--out",
                dir.resolve("s").toString());
        expectOneLine(
                "bitbudget: --estimator: 'vibes' is not one of " + String.join(", ", Estimators.NAMES),
                "search",
                "--model",
                model,
                "--estimator",
                "vibes",
                "--out",
                dir.resolve("s").toString());
        List<String> orAll = new ArrayList<>(Estimators.NAMES);
        orAll.add("all");
        expectOneLine(
                "bitbudget: --estimator: 'vibes' is not one of " + String.join(", ", orAll),
                "sensitivity",
                "--model",
                model,
                "--estimator",
                "roundoff,vibes",
                "--json");
        expectOneLine(
                "bitbudget: --models: 'speed' is not one of " + String.join(", ", CostModels.NAMES),
                "costs",
                "--model",
                model,
                "--models",
                "size,speed");

        Path yaml = dir.resolve("e.yaml");
        Files.writeString(yaml, """
                models: [{path: %s}]
                data: fashion-mnist
                formats: [int8]
                estimators: [roundoff, vibes]
                strategies: [ilp]
                budgets: ["size <= 40 KiB"]
                seeds: [0]
                """.formatted(LENET.toAbsolutePath()));
        expectOneLine(
                "bitbudget: " + yaml + ": line 4: estimators[1]: 'vibes' is not one of "
                        + String.join(", ", Estimators.NAMES),
                "batch",
                yaml.toString(),
                "--dry-run");
    }

    private static void expectOneLine(String expected, String... args) {
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(expected, r.err().strip());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
