package org.bitbudget.experiments.batch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bitbudget.model.data.DataSources;
import org.bitbudget.model.data.Dataset;
import org.bitbudget.model.data.Normalization;
import org.bitbudget.model.data.Split;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.onnx.OnnxImporter;
import org.bitbudget.model.precision.PrecisionConfigs;
import org.bitbudget.pipeline.SearchRun;

/**
 * Runs each grid point as a {@link SearchRun}: the run's model, data, candidate formats, estimator,
 * strategy, budgets, seed, calibration, evaluation limit and time limit; the chosen config is
 * evaluated on the integer engine when the run asks for it and the engine runs the config. The cost
 * columns come from the cost models (latency: measured on this machine's kernels, per image at batch 1,
 * cached); the Pareto file holds the sweep's points and the uniform configs.
 */
public final class SearchRunExecutor implements RunExecutor {
    /** Points of each run's Pareto sweep. */
    public static final int PARETO_POINTS = 10;

    private final Map<Path, Graph> graphs = new ConcurrentHashMap<>();
    private final Map<String, Dataset> datasets = new ConcurrentHashMap<>();

    @Override
    public RunResult execute(RunSpec spec, PhaseProgress progress) {
        Graph graph = graphs.computeIfAbsent(spec.modelPath(), OnnxImporter::load);
        Dataset train = datasets.computeIfAbsent(spec.data() + ":train", k -> DataSources.load(spec.data(), Split.TRAIN));
        Dataset test = datasets.computeIfAbsent(spec.data() + ":test", k -> DataSources.load(spec.data(), Split.TEST));
        SearchRun.Builder builder = SearchRun.builder()
                .model(graph)
                .modelName(spec.model())
                .data(train, test, normalization(spec, graph))
                .weightFormats(spec.formats())
                .activationFormats(spec.activations())
                .estimator(spec.estimator())
                .strategy(spec.strategy())
                .seed(spec.seed())
                .calibration(spec.calibration())
                .evaluationLimit(spec.limit())
                .paretoPoints(PARETO_POINTS)
                .measureLatency(true)
                .integerEngine(spec.engine().equals("integer"))
                .progress(new SearchRun.RunProgress() {
                    @Override
                    public void phase(String name, int index, int count) {
                        progress.phase(name, index, count);
                    }
                });
        spec.budgets().forEach(builder::budget);
        if (spec.timeSeconds() > 0) {
            builder.timeLimit(Duration.ofMillis(Math.round(spec.timeSeconds() * 1000)));
        }
        SearchRun.Result r = builder.build().run();
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("name", "search-run");
        notes.put("stopped_early", r.stoppedEarly());
        notes.put("predicted_damage", r.damage());
        notes.put("sensitivity_seconds", r.timings().sensitivity());
        return new RunResult(r.accuracy(), cost(r, "size"), cost(r, "bops"), cost(r, "energy") / 1e6,
                cost(r, "latency"), cost(r, "accumulator"), r.timings().search(), r.timings().evaluation(), r.engine(),
                PrecisionConfigs.toJson(r.config()), pareto(r), notes);
    }

    private static double cost(SearchRun.Result r, String name) {
        Double v = r.costs().get(name);
        return v == null ? Double.NaN : v;
    }

    private static List<Map<String, Object>> pareto(SearchRun.Result r) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<SearchRun.Point> points = new ArrayList<>(r.pareto());
        points.addAll(r.uniform());
        for (SearchRun.Point p : points) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", p.uniform() == null ? "pareto" : "uniform");
            row.put("budget_cost", p.uniform() == null ? p.cost() : "");
            row.put("budget_limit", p.uniform() == null ? p.budget() : Double.NaN);
            row.put("accuracy", p.accuracy());
            row.put("size_bits", p.costs().getOrDefault("size", Double.NaN));
            row.put("bops", p.costs().getOrDefault("bops", Double.NaN));
            row.put("energy_uj", p.costs().getOrDefault("energy", Double.NaN) / 1e6);
            row.put("layers", String.join(";", p.config().layers().values().stream().map(SearchRun::label).toList()));
            rows.add(row);
        }
        return rows;
    }

    private static Normalization normalization(RunSpec spec, Graph graph) {
        if (spec.normalize() != null) {
            return Normalization.parse(spec.normalize());
        }
        String stored = graph.metadata().get(Normalization.METADATA_KEY);
        return stored != null ? Normalization.parse(stored) : Normalization.NONE;
    }
}
