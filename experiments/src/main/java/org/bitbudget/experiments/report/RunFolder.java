package org.bitbudget.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.bitbudget.costs.CostModels;
import org.bitbudget.experiments.batch.ResultsCsv;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.pipeline.Budgets;

/**
 * What a run's folder ({@code result.json}, {@code pareto.csv}) adds to its row of a results CSV in the
 * dashboard: its budgets as limits, the uniform configs it measured and its Pareto sweep. Costs are
 * keyed by the results CSV's columns ({@code size_bits}, {@code bops}, …).
 *
 * @param limits  the budgets, each resolved to a limit
 * @param uniform the uniform configs, labelled by precision
 * @param sweep   the sweep's points, labelled {@code pareto} or {@code dominated}
 */
public record RunFolder(List<Limit> limits, List<Point> uniform, List<Point> sweep) {
    /** A folder with nothing in it, for a row whose run folder is not there. */
    public static final RunFolder NONE = new RunFolder(List.of(), List.of(), List.of());

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A budget as a limit on one results-CSV cost column; {@code text} is the expression as written. */
    public record Limit(String column, double limit, String text) {}

    /** A measured config: its label, accuracy and cost totals by column. */
    public record Point(String label, double accuracy, Map<String, Double> costs) {}

    public RunFolder {
        limits = List.copyOf(limits);
        uniform = List.copyOf(uniform);
        sweep = List.copyOf(sweep);
    }

    /** The results-CSV column of cost model {@code cost}. */
    static String column(String cost) {
        if (cost.equals("latency")) {
            return "latency_ms";
        }
        String key = CostModels.get(cost).key();
        return key.equals("accumulator_bits") ? "max_accumulator_bits" : key;
    }

    /**
     * Reads the folder of one run, or of a {@code bitbudget search}: {@link #NONE} when it holds no
     * {@code result.json}. Budgets without a limit in {@code result.json} (written before it held them)
     * are resolved when absolute.
     */
    public static RunFolder read(Path dir) {
        Path result = dir.resolve("result.json");
        if (!Files.isRegularFile(result)) {
            return NONE;
        }
        JsonNode json;
        try {
            json = JSON.readTree(result.toFile());
        } catch (IOException e) {
            throw new UserInputException(result.toString(), "not readable JSON: " + e.getMessage());
        }
        List<Limit> limits = new ArrayList<>();
        if (json.has("budget_limits")) {
            for (JsonNode b : json.get("budget_limits")) {
                limits.add(new Limit(
                        column(b.get("cost").asText()),
                        b.get("limit").asDouble(),
                        b.get("text").asText().strip()));
            }
        } else {
            for (JsonNode text : json.path("budgets")) {
                limits.addAll(absoluteLimits(text.asText()));
            }
        }
        List<Point> uniform = new ArrayList<>();
        List<Point> sweep = new ArrayList<>();
        Path csv = dir.resolve("pareto.csv");
        if (Files.isRegularFile(csv)) {
            ResultsCsv.Table table = ResultsCsv.read(csv);
            for (Map<String, String> row : table.rows()) {
                String kind = row.getOrDefault("kind", "");
                Map<String, Double> costs = new LinkedHashMap<>();
                for (String c : table.header()) {
                    String column = c.equals("accumulator_bits") ? "max_accumulator_bits" : c;
                    if (Dashboard.COSTS.containsKey(column)) {
                        costs.put(column, Dashboard.num(row.get(c)));
                    }
                }
                double accuracy = Dashboard.num(row.get("accuracy"));
                switch (kind) {
                    case "uniform" -> uniform.add(new Point(label(row.get("layers")), accuracy, costs));
                    case "pareto", "dominated" -> sweep.add(new Point(kind, accuracy, costs));
                    default -> {
                        // The float reference and a repeat of the best uniform config: shown otherwise.
                    }
                }
            }
        }
        return new RunFolder(limits, uniform, sweep);
    }

    /** The folders of a results CSV's runs ({@code config_path} is relative to the CSV), by run key. */
    public static Map<String, RunFolder> of(ResultsCsv.Table table, Path csv) {
        Path base = csv.toAbsolutePath().getParent();
        Map<String, RunFolder> out = new LinkedHashMap<>();
        for (Map<String, String> row : table.rows()) {
            String config = row.getOrDefault("config_path", "");
            out.put(
                    row.get("run_key"),
                    config.isEmpty() ? NONE : read(base.resolve(config).getParent()));
        }
        return out;
    }

    /**
     * The folder of a {@code bitbudget search} ({@code result.json} beside {@code config.json}) as a
     * one-row results table, so that the dashboard shows a single search.
     */
    public static ResultsCsv.Table singleSearch(Path dir) {
        Path file = dir.resolve("result.json");
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserInputException(
                    dir.toString(), "neither a results CSV nor a search folder (no readable result.json)");
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (String c : ResultsCsv.COLUMNS) {
            row.put(c, "");
        }
        row.put("run_key", dir.toAbsolutePath().normalize().getFileName().toString());
        String model = Path.of(json.path("model").asText("model")).getFileName().toString();
        row.put("model", model.endsWith(".onnx") ? model.substring(0, model.length() - 5) : model);
        List<String> budgets = new ArrayList<>();
        json.path("budgets").forEach(b -> budgets.add(b.asText()));
        row.put("budgets", String.join(", ", budgets));
        row.put("seed", json.path("provenance").path("seed").asText(""));
        row.put("config_path", "config.json");
        for (String c : List.of(
                "data",
                "estimator",
                "strategy",
                "accuracy",
                "size_bits",
                "bops",
                "energy_pj",
                "latency_ms",
                "max_accumulator_bits",
                "search_seconds",
                "eval_seconds",
                "engine",
                "metric",
                "score",
                "float_accuracy",
                "drop",
                "calibration_score",
                "replaced_by")) {
            JsonNode v = json.path(c);
            row.put(
                    c,
                    v.isMissingNode() || v.isNull() ? "" : v.isNumber() ? ResultsCsv.number(v.asDouble()) : v.asText());
        }
        JsonNode best = json.path("best_uniform");
        if (best.isObject()) {
            row.put("best_uniform", best.path("precision").asText(""));
            row.put(
                    "best_uniform_accuracy",
                    ResultsCsv.number(best.path("accuracy").asDouble(Double.NaN)));
        }
        return new ResultsCsv.Table(ResultsCsv.COLUMNS, List.of(row));
    }

    /** The absolute budgets of {@code expression} as limits; relative ones need the run's folder. */
    static List<Limit> absoluteLimits(String expression) {
        try {
            return Budgets.parse(expression, null).stream()
                    .map(b -> new Limit(column(b.cost()), b.limit(), b.text().strip()))
                    .toList();
        } catch (UserInputException relative) {
            return List.of(); // relative to a reference config the CSV does not hold
        }
    }

    /** {@code int4} for a config whose layers are all int4, else the layers joined. */
    private static String label(String layers) {
        LinkedHashSet<String> distinct = new LinkedHashSet<>(List.of(layers.split(";")));
        return distinct.size() == 1 ? distinct.getFirst() : layers;
    }
}
