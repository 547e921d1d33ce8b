package org.bitbudget.experiments.batch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bitbudget.costs.Budget;
import org.bitbudget.costs.Budgets;
import org.bitbudget.costs.CostModels;
import org.bitbudget.costs.CostTable;
import org.bitbudget.costs.EnergyTable;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.kernels.engine.IntegerEngine;
import org.bitbudget.model.UserInputException;
import org.bitbudget.model.data.Classification;
import org.bitbudget.model.data.DataSources;
import org.bitbudget.model.data.Dataset;
import org.bitbudget.model.data.Normalization;
import org.bitbudget.model.data.Split;
import org.bitbudget.model.engine.FloatEngine;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.onnx.OnnxImporter;
import org.bitbudget.model.precision.Calibration;
import org.bitbudget.model.precision.FakeQuantization;
import org.bitbudget.model.precision.Precision;
import org.bitbudget.model.precision.PrecisionConfig;
import org.bitbudget.model.precision.PrecisionConfigs;
import org.bitbudget.model.quant.NumberFormat;
import org.bitbudget.model.quant.QuantizerSpec;
import org.bitbudget.model.tensor.Tensor;

/**
 * A real but simple executor, used until the search module's {@code SearchRun} is wired in: the
 * best <em>uniform</em> config (every layer at one weight format × activation format of the run's
 * candidates) that meets the run's budgets. Every candidate is costed with the cost models, the
 * feasible ones are scored on {@link #SEARCH_IMAGES} train images drawn with the run's seed (the
 * "search"), and the winner is evaluated on the test split ({@code limit} images) with the run's
 * engine. Activations are calibrated on {@code calibration} train images drawn with the seed. The
 * strategy and estimator are recorded but do not change the result; the Pareto front is the
 * non-dominated uniform candidates (search accuracy against size and BOPs).
 */
public final class UniformBaselineExecutor implements RunExecutor {
    /** Train images that score each candidate. */
    public static final int SEARCH_IMAGES = 500;
    private static final int BATCH = 1000;

    private final Map<Path, Graph> graphs = new ConcurrentHashMap<>();
    private final Map<String, Dataset> datasets = new ConcurrentHashMap<>();

    @Override
    public RunResult execute(RunSpec spec, PhaseProgress progress) {
        progress.phase("load", 0, 4);
        Graph graph = graphs.computeIfAbsent(spec.modelPath(), OnnxImporter::load);
        Dataset train = datasets.computeIfAbsent(spec.data() + ":train", k -> DataSources.load(spec.data(), Split.TRAIN));
        Dataset test = datasets.computeIfAbsent(spec.data() + ":test", k -> DataSources.load(spec.data(), Split.TEST));
        if (spec.limit() > 0) {
            test = test.limit(spec.limit());
        }
        Normalization norm = normalization(spec, graph);

        progress.phase("costs", 1, 4);
        List<Precision> candidates = new ArrayList<>();
        for (String w : spec.formats()) {
            for (String a : spec.activations()) {
                NumberFormat af = NumberFormat.parse(a);
                candidates.add(new Precision(QuantizerSpec.weights(NumberFormat.parse(w)),
                        af instanceof NumberFormat.Unquantized ? QuantizerSpec.FLOAT : QuantizerSpec.activations(af),
                        32));
            }
        }
        CostTable table = CostTable.of(LayerInfo.of(graph), candidates, CostModels.analytic(EnergyTable.defaults()));
        List<Budget> budgets;
        try {
            budgets = Budgets.parseAll(spec.budgets(), table::reference);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("run " + spec.key() + ": budgets", e.getMessage());
        }

        progress.phase("search", 2, 4);
        long t0 = System.nanoTime();
        boolean anyActivations = candidates.stream().anyMatch(p -> p.activations().quantizes());
        Tensor calibration = anyActivations ? Calibration.sample(train, spec.calibration(), spec.seed(), norm) : null;
        int[] searchIndices = sample(train.size(), SEARCH_IMAGES, spec.seed() ^ 0x5EA2C4L);
        Tensor searchImages = images(train, searchIndices, norm);
        int[] searchLabels = new int[searchIndices.length];
        for (int i = 0; i < searchIndices.length; i++) {
            searchLabels[i] = train.labels()[searchIndices[i]];
        }
        List<Candidate> scored = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Precision p = candidates.get(i);
            PrecisionConfig config = PrecisionConfig.uniform(p);
            Map<String, Double> totals = table.totals(config);
            boolean feasible = Budgets.holdAll(budgets, totals);
            FakeQuantization.QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
            Tensor logits = FloatEngine.builder(q.graph()).build().predict(searchImages);
            double accuracy = (double) Classification.correct(Classification.predictions(logits), searchLabels, 0)
                    / searchLabels.length;
            scored.add(new Candidate(p, config, totals, feasible, accuracy));
            progress.step(i + 1, candidates.size());
        }
        Candidate best = scored.stream().filter(Candidate::feasible)
                .max(Comparator.comparingDouble(Candidate::accuracy)
                        .thenComparing(c -> -c.totals().get("size")))
                .orElseThrow(() -> new UserInputException("run " + spec.key() + ": budgets '" + spec.budgetText()
                        + "'", "no uniform config of weights " + spec.formats() + " and activations "
                        + spec.activations() + " meets them (smallest size " + scored.stream()
                        .mapToDouble(c -> c.totals().get("size")).min().orElse(Double.NaN) + " bits)"));
        double searchSeconds = (System.nanoTime() - t0) / 1e9;

        progress.phase("evaluate", 3, 4);
        FakeQuantization.QuantizedGraph q = FakeQuantization.apply(graph, best.config(), calibration);
        java.util.function.UnaryOperator<Tensor> engine;
        if (spec.engine().equals("integer")) {
            try {
                engine = IntegerEngine.of(graph, q)::predict;
            } catch (IllegalArgumentException e) {
                throw new UserInputException("run " + spec.key() + ": engine integer", e.getMessage());
            }
        } else {
            engine = FloatEngine.builder(q.graph()).build()::predict;
        }
        int n = test.size();
        int correct = 0;
        long nanos = 0;
        for (int from = 0; from < n; from += BATCH) {
            int count = Math.min(BATCH, n - from);
            Tensor images = test.images(from, count, norm);
            long s = System.nanoTime();
            Tensor logits = engine.apply(images);
            nanos += System.nanoTime() - s;
            correct += Classification.correct(Classification.predictions(logits), test.labels(), from);
            progress.step(from + count, n);
        }
        double evalSeconds = nanos / 1e9;

        List<Map<String, Object>> pareto = new ArrayList<>();
        for (Candidate c : scored) {
            boolean dominated = scored.stream().anyMatch(o -> o != c && o.dominates(c));
            if (!dominated) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("weights", c.precision().weights().format().name());
                row.put("activations", c.precision().activations().format().name());
                row.put("search_accuracy", c.accuracy());
                row.put("size_bits", c.totals().get("size"));
                row.put("bops", c.totals().get("bops"));
                row.put("energy_uj", c.totals().get("energy") / 1e6);
                row.put("max_accumulator_bits", c.totals().get("accumulator"));
                row.put("feasible", c.feasible());
                row.put("chosen", c == best);
                pareto.add(row);
            }
        }
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("name", "uniform-baseline");
        notes.put("note", "placeholder until the search module's SearchRun is wired in: strategy '"
                + spec.strategy() + "' and estimator '" + spec.estimator() + "' are recorded, not run");
        notes.put("search_images", SEARCH_IMAGES);
        notes.put("test_images", n);
        return new RunResult((double) correct / n, best.totals().get("size"), best.totals().get("bops"),
                best.totals().get("energy") / 1e6, n == 0 ? Double.NaN : nanos / 1e6 / n,
                best.totals().get("accumulator"), searchSeconds, evalSeconds, spec.engine(),
                PrecisionConfigs.toJson(best.config()), pareto, notes);
    }

    private static Normalization normalization(RunSpec spec, Graph graph) {
        if (spec.normalize() != null) {
            return Normalization.parse(spec.normalize());
        }
        String stored = graph.metadata().get(Normalization.METADATA_KEY);
        return stored != null ? Normalization.parse(stored) : Normalization.NONE;
    }

    /** {@code count} distinct indices of {@code [0, size)}, a partial Fisher–Yates shuffle seeded with {@code seed}. */
    static int[] sample(int size, int count, long seed) {
        int n = Math.min(count, size);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(size - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return java.util.Arrays.copyOf(order, n);
    }

    private static Tensor images(Dataset data, int[] indices, Normalization norm) {
        int per = data.rows() * data.cols();
        float[] out = new float[indices.length * per];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data.images(indices[i], 1, norm).data(), 0, out, i * per, per);
        }
        return Tensor.of(org.bitbudget.model.tensor.Shape.of(indices.length, 1, data.rows(), data.cols()), out);
    }

    private record Candidate(Precision precision, PrecisionConfig config, Map<String, Double> totals,
                             boolean feasible, double accuracy) {
        boolean dominates(Candidate o) {
            boolean noWorse = accuracy >= o.accuracy && totals.get("size") <= o.totals.get("size")
                    && totals.get("bops") <= o.totals.get("bops");
            boolean better = accuracy > o.accuracy || totals.get("size") < o.totals.get("size")
                    || totals.get("bops") < o.totals.get("bops");
            return noWorse && better;
        }
    }

}
