package org.bitbudget.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.experiments.batch.ResultsCsv;
import org.bitbudget.experiments.report.Dashboard;
import org.bitbudget.experiments.report.RunFolder;
import org.bitbudget.ir.UserInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bitbudget dashboard}: one static HTML report of a results CSV. */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description = {
            "Write one self-contained HTML file (no server, no network) from a results CSV or a search "
                    + "folder: the Pareto front per model (accuracy against each cost), the estimator leaderboard and a "
                    + "sortable table."
        })
final class DashboardCommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Parameters(
            index = "0",
            paramLabel = "results.csv|DIR",
            description = "A results CSV of batch or merge, a batch folder, or the folder of one search (search --out)")
    Path results;

    @Writes
    @Option(
            names = "--out",
            paramLabel = "report.html",
            defaultValue = "report.html",
            description = "The HTML file (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--title", paramLabel = "T", description = "Page title (default: the CSV's file name)")
    String title;

    /** The columns the report plots and sorts as numbers. */
    private static final List<String> NUMBERS = List.of(
            "seed",
            "accuracy",
            "size_bits",
            "bops",
            "latency_ms",
            "max_accumulator_bits",
            "search_seconds",
            "eval_seconds");

    private static boolean isNumber(String v) {
        try {
            Double.parseDouble(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public Integer call() throws Exception {
        AtomicOutput.checkFolder("--out", out);
        // A batch folder holds results.csv; a search folder (search --out DIR) holds result.json.
        Path input = Files.isRegularFile(results.resolve("results.csv")) ? results.resolve("results.csv") : results;
        boolean search = Files.isDirectory(input);
        ResultsCsv.Table table = search ? RunFolder.singleSearch(input) : ResultsCsv.read(input);
        List<String> missing = ResultsCsv.COLUMNS.stream()
                .filter(c -> !table.header().contains(c))
                .toList();
        if (!missing.isEmpty()) {
            throw new UserInputException(
                    input.toString(), "not a batch results CSV: no column " + String.join(", ", missing));
        }
        if (table.rows().isEmpty()) {
            throw new UserInputException(results.toString(), "holds no runs (a header only); nothing to show");
        }
        for (int i = 0; i < table.rows().size(); i++) {
            for (String column : NUMBERS) {
                String v = table.rows().get(i).get(column);
                if (!v.isEmpty() && !isNumber(v)) {
                    throw new UserInputException(
                            results + ": line " + (i + 2), column + " '" + v + "' is not a number");
                }
            }
        }
        String html = Dashboard.render(
                table,
                title != null ? title : "BitBudget results: " + input.getFileName(),
                input.toString(),
                search
                        ? Map.of(table.rows().getFirst().get("run_key"), RunFolder.read(input))
                        : RunFolder.of(table, input));
        AtomicOutput.write("--out", out, html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (json.json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("out", out.toString());
            result.put("runs", table.rows().size());
            System.out.println(JsonOption.toJson(result));
        } else {
            System.out.println("wrote " + out + " (" + table.rows().size() + " runs)");
        }
        return 0;
    }
}
