package org.bitbudget.experiments.batch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bitbudget.data.DataSets;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.RuntimeTarget;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.pipeline.RunProgress;
import org.bitbudget.pipeline.SearchData;
import org.bitbudget.pipeline.SearchPipeline;

/**
 * Runs each grid point through the {@link SearchPipeline}, as {@code bitbudget search} does: the run's
 * model, data, candidate formats, estimator, strategy, budgets, seed, calibration, evaluation limit and
 * time limit and metric; the chosen config is evaluated on the integer engine when the run asks for it and the
 * engine runs the config. Latency is measured on this machine's kernels (per image at batch 1, cached)
 * and the Pareto sweep has {@link #PARETO_POINTS} points. Models and data sets are loaded once.
 */
public final class SearchRunExecutor implements RunExecutor {
    /** Points of each run's Pareto sweep. */
    public static final int PARETO_POINTS = 10;

    private final AtomicBoolean cancel;
    private final Map<Path, Graph> graphs = new ConcurrentHashMap<>();
    private final Map<String, DataSource> datasets = new ConcurrentHashMap<>();

    /** An executor no one cancels. */
    public SearchRunExecutor() {
        this(new AtomicBoolean());
    }

    /** An executor whose runs stop (returning the best config so far) when {@code cancel} is set. */
    public SearchRunExecutor(AtomicBoolean cancel) {
        this.cancel = Objects.requireNonNull(cancel);
    }

    @Override
    public RunResult execute(RunSpec spec, PhaseProgress progress) {
        Graph graph = graphs.computeIfAbsent(spec.modelPath(), OnnxImporter::load);
        DataSource train =
                datasets.computeIfAbsent(spec.data() + ":train", k -> DataSources.open(spec.data(), Split.TRAIN));
        DataSource test =
                datasets.computeIfAbsent(spec.data() + ":test", k -> DataSources.open(spec.data(), Split.TEST));
        DataSets sets = DataSets.choose(test, null, train, spec.seed());
        SearchPipeline.Builder builder = SearchPipeline.builder(
                        graph, SearchData.of(sets, normalization(spec, graph, test)))
                .modelName(spec.model())
                .weightFormats(spec.formats())
                .activationFormats(spec.activations())
                .estimator(spec.estimator())
                .strategy(spec.strategy())
                .seed(spec.seed())
                .cancel(cancel)
                .calibration(spec.calibration())
                .evaluationLimit(spec.limit())
                .paretoPoints(PARETO_POINTS)
                .measureLatency(true)
                .integerEngine(spec.engine().equals("integer"))
                .progress(new RunProgress() {
                    @Override
                    public void phase(String name, int index, int count) {
                        progress.phase(name, index, count);
                    }
                });
        spec.budgets().forEach(builder::budget);
        if (spec.fitness() != null) {
            builder.fitness(spec.fitness());
        }
        if (spec.metric() != null) {
            builder.metric(spec.metric());
        }
        if (spec.coupling() != null) {
            builder.coupling(spec.coupling());
        }
        if (spec.target() != null) {
            builder.target(RuntimeTarget.parse(spec.target()));
        }
        builder.ignore(spec.ignore());
        if (spec.timeSeconds() > 0) {
            builder.timeLimit(Duration.ofMillis(Math.round(spec.timeSeconds() * 1000)));
        }
        SearchPipeline.Result r = builder.build().run();
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("name", "search-run");
        notes.put("stopped_early", r.stoppedEarly());
        notes.put("predicted_damage", r.damage());
        notes.put("sensitivity_seconds", r.timings().sensitivity());
        return new RunResult(r, notes);
    }

    private static Normalization normalization(RunSpec spec, Graph graph, DataSource data) {
        if (spec.normalize() != null) {
            return Normalization.parse(spec.normalize());
        }
        if (data.declaredNormalization().isPresent()) {
            return data.declaredNormalization().get();
        }
        String stored = graph.metadata().get(Normalization.METADATA_KEY);
        return stored != null ? Normalization.parse(stored) : Normalization.NONE;
    }
}
