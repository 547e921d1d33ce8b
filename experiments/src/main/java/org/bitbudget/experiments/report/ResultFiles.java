package org.bitbudget.experiments.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.costs.CostModels;
import org.bitbudget.ir.AtomicFiles;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.pipeline.MeasuredPoint;
import org.bitbudget.pipeline.Outcome;
import org.bitbudget.pipeline.SearchPipeline;
import org.bitbudget.search.Budget;

/**
 * The files of one search run, written the same way by {@code bitbudget search} and by every run of a
 * batch: {@code config.json} (the chosen config), {@code pareto.csv} (the sweep's points, the uniform
 * configs and the chosen config, with every cost in its model's unit), {@code pareto.svg} (the plot of
 * the first budget's cost) and, last, {@code result.json} (the summary, its presence marks a finished
 * run). Every file is written atomically.
 */
public final class ResultFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The files {@link #write} puts in a run's folder, {@code result.json} (the mark of a finished run) last. */
    public static final List<String> NAMES = List.of("config.json", "pareto.csv", "pareto.svg", "result.json");

    private ResultFiles() {}

    /**
     * Writes the files of {@code result} into {@code dir} and returns the text of {@code result.json}.
     *
     * @param model the model's name or file, as the summary records it
     * @param data  the data set, as the summary records it
     */
    public static String write(Path dir, SearchPipeline.Result result, String model, String data) throws IOException {
        Files.createDirectories(dir);
        String configJson = PrecisionConfigs.toJson(result.config());
        AtomicFiles.writeString(dir.resolve("config.json"), configJson);
        String cost =
                result.pareto().isEmpty() ? "size" : result.pareto().getFirst().cost();
        AtomicFiles.write(dir.resolve("pareto.csv"), w -> writeCsv(w, result));
        AtomicFiles.writeString(dir.resolve("pareto.svg"), plot(result, cost));
        String text = json(summary(result, JSON.readTree(configJson), model, data, dir));
        AtomicFiles.writeString(dir.resolve("result.json"), text);
        return text;
    }

    /** The summary {@code result.json} holds. */
    private static Map<String, Object> summary(
            SearchPipeline.Result result, Object configTree, String model, String data, Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("data", data);
        m.put("strategy", result.strategy());
        m.put("estimator", result.estimator());
        m.put("budgets", result.budgets());
        m.put(
                "budget_limits",
                BudgetLimits.of(result).stream()
                        .map(b -> Map.of("cost", b.cost(), "limit", b.limit(), "text", b.text()))
                        .toList());
        m.put("config", configTree);
        m.put("accuracy", finite(result.accuracy()));
        m.put("metric", result.metric());
        m.put("score", finite(result.score()));
        m.put("data_sets", result.data());
        m.put("engine", result.engine());
        Outcome o = result.outcome();
        m.put("float_accuracy", finite(o.floatAccuracy()));
        m.put("float_score", o.floatEvaluationScore());
        m.put("drop", result.drop());
        m.put("calibration_score", o.score());
        m.put("float_calibration_score", o.floatScore());
        m.put("strategy_calibration_score", o.strategyScore());
        m.put("replaced", o.replaced());
        m.put("replaced_by", o.replacedBy());
        m.put("search_measured", o.searchMeasured());
        m.put(
                "best_uniform",
                o.bestUniform() == null
                        ? null
                        : points(List.of(o.bestUniform())).getFirst());
        if (o.target() != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("target", o.target().text());
            t.put("calibration_drop", o.calibrationDrop());
            t.put("met_on_calibration", o.target().met(o.score(), o.floatScore()));
            t.put("evaluation_drop", result.drop());
            t.put("met_on_evaluation", result.targetMetOnEvaluation());
            m.put("accuracy_target", t);
        }
        m.put("size_bits", result.costs().get("size"));
        m.put("bpw", result.costs().get("bpw"));
        m.put("bops", result.costs().get("bops"));
        m.put("energy_pj", result.costs().get("energy"));
        m.put("max_accumulator_bits", result.costs().get("accumulator"));
        m.put("latency_ms", result.costs().get("latency"));
        m.put("predicted_damage", result.damage());
        m.put("stopped_early", result.stoppedEarly());
        m.put("search_seconds", result.timings().search());
        m.put("sensitivity_seconds", result.timings().sensitivity());
        m.put("eval_seconds", result.timings().evaluation());
        m.put("total_seconds", result.timings().total());
        m.put("pareto", points(result.pareto()));
        m.put("uniform", points(result.uniform()));
        m.put("provenance", result.provenance().json());
        m.put("out", dir.toString());
        return m;
    }

    private static List<Map<String, Object>> points(List<MeasuredPoint> points) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MeasuredPoint p : points) {
            Map<String, Object> row = new LinkedHashMap<>();
            if (p.uniform() != null) {
                row.put("precision", p.uniform());
            } else {
                row.put("budget", Map.of("cost", p.cost(), "limit", p.budget()));
            }
            row.put("accuracy", finite(p.accuracy()));
            row.put("score", finite(p.score()));
            row.put("calibration_score", p.calibrationScore());
            row.put("feasible", p.feasible());
            if (p.uniform() == null) {
                row.put("dominated", p.dominated());
            }
            row.put("engine", p.engine());
            row.put("size_bits", p.costs().get("size"));
            row.put("bops", p.costs().get("bops"));
            row.put("predicted_damage", p.damage());
            row.put("layers", labels(p.config()));
            out.add(row);
        }
        return out;
    }

    /** Every layer's precision label, in layer order. */
    public static List<String> labels(PrecisionConfig config) {
        return config.layers().values().stream().map(Precision::label).toList();
    }

    private static void writeCsv(Writer w, SearchPipeline.Result result) throws IOException {
        List<String> costs = new ArrayList<>(result.costs().keySet());
        w.write("kind,budget_cost,budget_limit,accuracy,metric,score,engine,predicted_damage,drop,calibration_score,"
                + "feasible,"
                + String.join(",", costs.stream().map(ResultFiles::column).toList()) + ",layers\n");
        List<MeasuredPoint> rows = new ArrayList<>(result.pareto());
        rows.addAll(result.uniform());
        if (result.outcome().bestUniform() != null) {
            rows.add(result.outcome().bestUniform());
        }
        Outcome o = result.outcome();
        double floatAccuracy = o.floatAccuracy();
        for (int i = 0; i < rows.size(); i++) {
            MeasuredPoint p = rows.get(i);
            String kind = i >= result.pareto().size() + result.uniform().size()
                    ? "best_uniform"
                    : p.uniform() != null ? "uniform" : p.dominated() ? "dominated" : "pareto";
            StringBuilder b = new StringBuilder();
            b.append(kind)
                    .append(',')
                    .append(p.uniform() == null ? p.cost() : "")
                    .append(',')
                    .append(p.uniform() == null ? number(p.budget()) : "")
                    .append(',')
                    .append(number(p.accuracy()))
                    .append(',')
                    .append(result.metric())
                    .append(',')
                    .append(number(p.score()))
                    .append(',')
                    .append(p.engine())
                    .append(',')
                    .append(number(p.damage()))
                    .append(',')
                    .append(number(o.drop(o.floatEvaluationScore(), p.score())))
                    .append(',')
                    .append(number(p.calibrationScore()))
                    .append(',')
                    .append(p.feasible());
            for (String c : costs) {
                b.append(',').append(number(p.costs().getOrDefault(c, Double.NaN)));
            }
            b.append(',').append(String.join(";", labels(p.config()))).append('\n');
            w.write(b.toString());
        }
        StringBuilder reference = new StringBuilder("float,,,")
                .append(number(floatAccuracy))
                .append(',')
                .append(result.metric())
                .append(',')
                .append(number(o.floatEvaluationScore()))
                .append(",float,,0,")
                .append(number(result.outcome().floatScore()))
                .append(',');
        reference.append(",".repeat(costs.size())).append(",\n");
        w.write(reference.toString());
        StringBuilder chosen = new StringBuilder("chosen,,,")
                .append(number(result.accuracy()))
                .append(',')
                .append(result.metric())
                .append(',')
                .append(number(result.score()))
                .append(',')
                .append(result.engine())
                .append(',')
                .append(number(result.damage()))
                .append(',')
                .append(number(result.drop()))
                .append(',')
                .append(number(result.outcome().score()))
                .append(",true");
        for (String c : costs) {
            chosen.append(',').append(number(result.costs().getOrDefault(c, Double.NaN)));
        }
        chosen.append(',').append(String.join(";", labels(result.config()))).append('\n');
        w.write(chosen.toString());
    }

    /** A cost's column: its model's key, e.g. {@code size_bits}, {@code energy_pj}, {@code latency_ms}. */
    private static String column(String cost) {
        return cost.equals("latency") ? "latency_ms" : CostModels.get(cost).key();
    }

    /** {@code v}, or null (JSON {@code null}) when it is NaN: an accuracy without labels. */
    private static Double finite(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String plot(SearchPipeline.Result result, String cost) {
        String unitLabel = cost.equals("size") ? "size (KiB)" : cost;
        double scale = cost.equals("size") ? 1.0 / 8192 : 1;
        // Without labels there is no accuracy: the plot shows the metric's score instead.
        boolean accuracy = !Double.isNaN(result.accuracy());
        List<ParetoPlot.Mark> front = result.pareto().stream()
                .filter(p -> !p.dominated())
                .map(p -> new ParetoPlot.Mark(
                        p.costs().getOrDefault(cost, Double.NaN) * scale, accuracy ? p.accuracy() : p.score(), ""))
                .toList();
        List<ParetoPlot.Mark> dominated = result.pareto().stream()
                .filter(MeasuredPoint::dominated)
                .map(p -> new ParetoPlot.Mark(
                        p.costs().getOrDefault(cost, Double.NaN) * scale, accuracy ? p.accuracy() : p.score(), ""))
                .toList();
        List<ParetoPlot.Mark> uniform = result.uniform().stream()
                .map(p -> new ParetoPlot.Mark(
                        p.costs().getOrDefault(cost, Double.NaN) * scale,
                        accuracy ? p.accuracy() : p.score(),
                        p.uniform()))
                .toList();
        ParetoPlot.Mark chosen = new ParetoPlot.Mark(
                result.costs().getOrDefault(cost, Double.NaN) * scale,
                accuracy ? result.accuracy() : result.score(),
                "chosen");
        ParetoPlot.Builder plot = ParetoPlot.builder(unitLabel, accuracy ? "top-1 accuracy" : result.metric())
                .front(front)
                .dominated(dominated)
                .uniform(uniform)
                .chosen(chosen)
                .baseline(new ParetoPlot.Line(
                        accuracy
                                ? result.outcome().floatAccuracy()
                                : result.outcome().floatEvaluationScore(),
                        "float model"));
        for (Budget b : BudgetLimits.of(result)) {
            if (b.cost().equals(cost)) {
                plot.budget(new ParetoPlot.Line(
                        b.limit() * scale, b.text().strip() + " (" + NiceAxis.round(b.limit() * scale) + ")"));
            }
        }
        return plot.svg();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the result", e);
        }
    }
}
