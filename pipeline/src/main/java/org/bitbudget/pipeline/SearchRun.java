package org.bitbudget.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bitbudget.costs.Budget;
import org.bitbudget.costs.Budgets;
import org.bitbudget.costs.CostModel;
import org.bitbudget.costs.CostModels;
import org.bitbudget.costs.CostTable;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.costs.latency.MeasuredLatency;
import org.bitbudget.model.UserInputException;
import org.bitbudget.model.data.Dataset;
import org.bitbudget.model.data.Normalization;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.graph.Layer;
import org.bitbudget.model.precision.Precision;
import org.bitbudget.model.precision.PrecisionConfig;
import org.bitbudget.model.quant.AccumulatorAware;
import org.bitbudget.model.quant.IntegerFormat;
import org.bitbudget.model.quant.NumberFormat;
import org.bitbudget.model.quant.QuantizerSpec;
import org.bitbudget.model.tensor.Tensor;
import org.bitbudget.search.Candidate;
import org.bitbudget.search.Evaluator;
import org.bitbudget.search.GeneticStrategy;
import org.bitbudget.search.InfeasibleBudgetException;
import org.bitbudget.search.ParetoSweep;
import org.bitbudget.search.SearchControl;
import org.bitbudget.search.SearchException;
import org.bitbudget.search.SearchProblem;
import org.bitbudget.search.SearchResult;
import org.bitbudget.search.SearchSpace;
import org.bitbudget.search.SearchStrategies;
import org.bitbudget.search.SearchStrategy;
import org.bitbudget.sensitivity.Estimators;
import org.bitbudget.sensitivity.SensitivityEstimator;
import org.bitbudget.sensitivity.SensitivityProblem;
import org.bitbudget.sensitivity.SensitivityTable;

/**
 * One search run, the way DESIGN.md draws it: sensitivity table and cost table of every layer ×
 * candidate precision, budgets, a search strategy, and the evaluation of what it finds on a split no
 * earlier step has seen. Immutable; build one with {@link #builder()}, run it with {@link #run()}.
 *
 * <p>Candidates are every combination of a weight format, an activation format and an accumulator
 * width. Calibration (activation ranges, sensitivity) uses the first {@code calibration} images of
 * the train split; accuracy is measured on the test split. The chosen config is evaluated on the
 * integer engine when it runs the config, else by fake quantization on the float engine (the result
 * says which); Pareto points and uniform configs are evaluated by fake quantization.
 *
 * <pre>{@code
 * SearchRun.Result result = SearchRun.builder()
 *         .model(graph)                                  // an imported ONNX model
 *         .data(train, test, new Normalization(0.2860f, 0.3530f))
 *         .weightFormats("int8", "int4", "int3", "int2")
 *         .estimator("measured")
 *         .budget("size <= 0.4*int8")
 *         .strategy("ilp")
 *         .seed(1)
 *         .build()
 *         .run();
 * PrecisionConfig chosen = result.config();
 * double accuracy = result.accuracy();
 * }</pre>
 */
public final class SearchRun {
    /** Weight formats when none are given. */
    public static final List<String> DEFAULT_WEIGHT_FORMATS = List.of("int8", "int4", "int3", "int2");

    private final Graph graph;
    private final String modelName;
    private final Dataset train;
    private final Dataset test;
    private final Normalization normalization;
    private final List<String> weightFormats;
    private final List<String> activationFormats;
    private final List<Integer> accumulators;
    private final String estimatorName;
    private final SensitivityEstimator estimator;
    private final List<String> budgets;
    private final SearchStrategy strategy;
    private final long seed;
    private final Duration timeLimit;
    private final AtomicBoolean cancel;
    private final int threads;
    private final int calibration;
    private final int evaluationLimit;
    private final int paretoPoints;
    private final boolean pinEnds;
    private final boolean measuredLatency;
    private final boolean integerEngine;
    private final RunProgress progress;

    private SearchRun(Builder b) {
        this.graph = b.graph;
        this.modelName = b.modelName;
        this.train = b.train;
        this.test = b.test;
        this.normalization = b.normalization;
        this.weightFormats = List.copyOf(b.weightFormats);
        this.activationFormats = List.copyOf(b.activationFormats);
        this.accumulators = List.copyOf(b.accumulators);
        this.estimatorName = b.estimatorName;
        this.estimator = b.estimator;
        this.budgets = List.copyOf(b.budgets);
        this.strategy = b.strategy;
        this.seed = b.seed;
        this.timeLimit = b.timeLimit;
        this.cancel = b.cancel;
        this.threads = b.threads;
        this.calibration = b.calibration;
        this.evaluationLimit = b.evaluationLimit;
        this.paretoPoints = b.paretoPoints;
        this.pinEnds = b.pinEnds;
        this.measuredLatency = b.measuredLatency;
        this.integerEngine = b.integerEngine;
        this.progress = b.progress;
    }

    /** A builder with the defaults: weight formats int8/int4/int3/int2, float activations, ILP, measured damage. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The candidate precisions, in weight × activation × accumulator order. An accumulator below 32
     * bits pairs only with signed integer weights and integer activations (accumulator-aware
     * quantization bounds integer codes); with other formats only the 32-bit accumulator is a candidate.
     */
    public List<Precision> candidates() {
        List<Precision> out = new ArrayList<>();
        for (String w : weightFormats) {
            for (String a : activationFormats) {
                NumberFormat wf = NumberFormat.parse(w);
                NumberFormat af = NumberFormat.parse(a);
                boolean narrowable = wf instanceof IntegerFormat wi && wi.min() < 0 && !wi.signOnly()
                        && af instanceof IntegerFormat;
                for (int acc : accumulators) {
                    if (acc < 32 && !narrowable) {
                        continue;
                    }
                    out.add(new Precision(QuantizerSpec.weights(wf), QuantizerSpec.activations(af), acc));
                }
            }
        }
        return out.stream().distinct().toList();
    }

    /** A precision's label in the search space, e.g. {@code int4/uint8} or {@code int4/uint8/acc16}. */
    public static String label(Precision p) {
        return p.weights().format().name() + "/" + p.activations().format().name()
                + (p.accumulatorBits() == 32 ? "" : "/acc" + p.accumulatorBits());
    }

    /**
     * Runs the search.
     *
     * @throws UserInputException for a budget no config meets (naming it and how far the cheapest
     *                            config is), an unknown cost or a malformed budget
     */
    public Result run() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<Layer> layers = graph.layers();
        List<Precision> candidates = candidates();
        int n = Math.min(calibration, train.size());
        Tensor calibrationImages = train.images(0, n, normalization);
        int[] calibrationLabels = Arrays.copyOf(train.labels(), n);
        Dataset evaluation = evaluationLimit > 0 && evaluationLimit < test.size() ? test.limit(evaluationLimit) : test;
        Tensor evaluationImages = evaluation.images(0, evaluation.size(), normalization);

        progress.phase("sensitivity (" + estimatorName + ")", 0, 5);
        SensitivityProblem sensitivityProblem = SensitivityProblem.builder(graph)
                .calibration(calibrationImages, calibrationLabels)
                .precisions(candidates)
                .seed(seed)
                .threads(threads)
                .build();
        SensitivityTable table = estimator.estimate(sensitivityProblem, (e, l, p) -> progress.step());
        double sensitivitySeconds = (System.nanoTime() - t0) / 1e9;

        progress.phase("costs", 1, 5);
        long t1 = System.nanoTime();
        List<Budget> parsedHolder = new ArrayList<>();
        CostTable costs = costTable(candidates, parsedHolder);
        double costSeconds = (System.nanoTime() - t1) / 1e9;

        progress.phase("search (" + strategy.name() + ")", 2, 5);
        long t2 = System.nanoTime();
        SearchProblem problem;
        try {
            problem = problem(layers, candidates, table, costs, parsedHolder, calibrationImages, calibrationLabels);
        } catch (SearchException | IllegalArgumentException e) {
            throw new UserInputException("--budget", "no candidate meets the per-layer budgets ("
                    + String.join(", ", budgets) + "): " + e.getMessage());
        }
        SearchControl.Builder controlBuilder = SearchControl.builder().seed(seed).threads(threads).cancel(cancel);
        if (timeLimit != null) {
            controlBuilder.timeLimit(timeLimit);
        }
        SearchControl control = controlBuilder.build();
        SearchResult found;
        try {
            found = strategy.search(problem, control);
        } catch (InfeasibleBudgetException e) {
            throw infeasible(e, parsedHolder, costs);
        } catch (SearchException e) {
            throw new UserInputException("--strategy " + strategy.name(), e.getMessage());
        }
        if (!found.feasible()) {
            throw new UserInputException("--budget", (found.stoppedEarly() ? "the search stopped before it found"
                    : strategy.name() + " found no") + " config that meets every budget; give it more time or use ilp");
        }
        double searchSeconds = (System.nanoTime() - t2) / 1e9;

        progress.phase("evaluation", 3, 5);
        long t3 = System.nanoTime();
        ConfigEvaluator evaluator = new ConfigEvaluator(graph, calibrationImages, evaluationImages,
                evaluation.labels(), threads);
        PrecisionConfig chosen = config(layers, candidates, found.config());
        ConfigEvaluator.Measurement measured = evaluator.measure(chosen, integerEngine);
        double evaluationSeconds = (System.nanoTime() - t3) / 1e9;

        progress.phase("pareto front", 4, 5);
        List<Point> pareto = pareto(problem, layers, candidates, costs, evaluator);
        List<Point> uniform = uniform(layers, candidates, costs, evaluator, problem);

        Map<String, Double> totals = costs.totals(chosen);
        Timings timings = new Timings(sensitivitySeconds, costSeconds, searchSeconds, evaluationSeconds,
                (System.nanoTime() - t0) / 1e9);
        Provenance provenance = Provenance.of(modelName, seed, started, Instant.now());
        return new Result(chosen, measured.accuracy(), measured.engine(), found.damage(), totals, strategy.name(),
                estimatorName, budgets, found.stoppedEarly(), pareto, uniform, table, timings, provenance);
    }

    /** The user error for a budget below every config: which budget, the cheapest total, how far over. */
    private static UserInputException infeasible(InfeasibleBudgetException e, List<Budget> parsed, CostTable costs) {
        if (e.budget() == null) {
            return new UserInputException("--budget", e.getMessage());
        }
        Budget budget = parsed.stream().filter(b -> b.cost().equals(e.budget().cost())).findFirst().orElse(null);
        String unit = costs.model(e.budget().cost()).unit();
        String source = budget == null ? "--budget" : "--budget '" + budget.text() + "'";
        return new UserInputException(source, String.format(Locale.ROOT,
                "no config meets it: the limit is %s %s and the cheapest config needs %s %s (%.1f%% over)",
                amount(e.budget().limit()), unit, amount(e.cheapest()), unit, 100 * e.gap() / e.budget().limit()));
    }

    /** A total for a message: grouped digits when whole and large, else four significant digits. */
    private static String amount(double v) {
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.4g", v);
    }

    /** Cost table of every model a budget names, plus size and BOPs; parses the budgets into {@code parsed}. */
    private CostTable costTable(List<Precision> candidates, List<Budget> parsed) {
        List<LayerInfo> infos = LayerInfo.of(graph);
        List<String> names = new ArrayList<>(List.of("size", "bops", "energy", "accumulator"));
        CostTable analytic = CostTable.of(infos, candidates, CostModels.analytic(
                org.bitbudget.costs.EnergyTable.defaults()));
        parsed.addAll(Budgets.parseAll(budgets, analytic::reference));
        List<CostModel> models = new ArrayList<>();
        for (Budget b : parsed) {
            if (!names.contains(b.cost())) {
                names.add(b.cost());
            }
        }
        if (measuredLatency && !names.contains("latency")) {
            names.add("latency");
        }
        for (String name : names) {
            models.add(name.equals("latency") ? MeasuredLatency.onThisMachine(graph) : CostModels.get(name));
        }
        CostTable table = CostTable.of(infos, candidates, models);
        if (parsed.stream().anyMatch(b -> b.cost().equals("latency"))) {
            // Relative latency budgets refer to the measured table, so parse them again against it.
            parsed.clear();
            parsed.addAll(Budgets.parseAll(budgets, table::reference));
        }
        return table;
    }

    private SearchProblem problem(List<Layer> layers, List<Precision> candidates, SensitivityTable table,
                                  CostTable costs, List<Budget> parsed, Tensor calibrationImages,
                                  int[] calibrationLabels) {
        List<String> labels = candidates.stream().map(SearchRun::label).toList();
        List<String> names = layers.stream().map(Layer::name).toList();
        SearchProblem.Builder b = SearchProblem.builder(SearchSpace.uniform(names, labels));
        double[][] damage = new double[layers.size()][candidates.size()];
        for (int l = 0; l < layers.size(); l++) {
            for (int c = 0; c < candidates.size(); c++) {
                damage[l][c] = table.score(names.get(l), candidates.get(c));
            }
        }
        b.damage(damage);
        boolean[][] allowed = new boolean[layers.size()][candidates.size()];
        for (boolean[] row : allowed) {
            Arrays.fill(row, true);
        }
        for (CostModel model : costs.models()) {
            double[][] values = new double[layers.size()][candidates.size()];
            for (int l = 0; l < layers.size(); l++) {
                for (int c = 0; c < candidates.size(); c++) {
                    values[l][c] = costs.cost(l, candidates.get(c), model.name());
                }
            }
            if (model.total() == CostModel.Total.SUM) {
                b.cost(model.name(), values);
            }
            for (Budget budget : parsed) {
                if (!budget.cost().equals(model.name())) {
                    continue;
                }
                // A strict bound excludes its limit: one unit in the last place below it.
                double limit = budget.strict() ? Math.nextDown(budget.limit()) : budget.limit();
                if (model.total() == CostModel.Total.SUM) {
                    b.budget(model.name(), limit);
                } else {
                    // A peak or width holds for a config exactly when it holds for every layer.
                    b.limitPerChoice(model.name(), values, limit);
                    for (int l = 0; l < layers.size(); l++) {
                        for (int c = 0; c < candidates.size(); c++) {
                            allowed[l][c] &= values[l][c] <= limit;
                        }
                    }
                }
            }
        }
        if (pinEnds) {
            b.pin(0, mostPrecise(candidates, allowed[0], names.getFirst()));
            b.pin(layers.size() - 1, mostPrecise(candidates, allowed[layers.size() - 1], names.getLast()));
        }
        if (strategy instanceof GeneticStrategy) {
            ConfigEvaluator onCalibration = new ConfigEvaluator(graph, calibrationImages, calibrationImages,
                    calibrationLabels, 1);
            Evaluator accuracy = config -> onCalibration.measure(config(layers, candidates, config), false)
                    .accuracy();
            b.evaluator(accuracy);
        }
        return b.build();
    }

    /**
     * Where ends are pinned: the allowed candidate (no per-layer limit excludes it) with the most weight
     * bits, then activation bits, then accumulator bits.
     */
    private static int mostPrecise(List<Precision> candidates, boolean[] allowed, String layer) {
        int best = -1;
        for (int c = 0; c < candidates.size(); c++) {
            if (!allowed[c]) {
                continue;
            }
            Precision p = candidates.get(c);
            if (best < 0) {
                best = c;
                continue;
            }
            Precision q = candidates.get(best);
            int by = Integer.compare(p.weights().format().bits(), q.weights().format().bits());
            by = by != 0 ? by : Integer.compare(p.activations().format().bits(), q.activations().format().bits());
            by = by != 0 ? by : Integer.compare(p.accumulatorBits(), q.accumulatorBits());
            if (by > 0) {
                best = c;
            }
        }
        if (best < 0) {
            throw new UserInputException("--budget", "no candidate of layer " + layer + " meets the per-layer budgets");
        }
        return best;
    }

    private static PrecisionConfig config(List<Layer> layers, List<Precision> candidates, int[] choice) {
        Map<String, Precision> map = new LinkedHashMap<>();
        for (int l = 0; l < layers.size(); l++) {
            map.put(layers.get(l).name(), candidates.get(choice[l]));
        }
        return new PrecisionConfig(Precision.FLOAT, map);
    }

    private List<Point> pareto(SearchProblem problem, List<Layer> layers, List<Precision> candidates,
                               CostTable costs, ConfigEvaluator evaluator) {
        if (paretoPoints < 2 || budgets.isEmpty()) {
            return List.of();
        }
        String cost = problem.budgets().isEmpty() ? "size" : problem.budgets().getFirst().cost();
        SearchControl control = SearchControl.builder().seed(seed).threads(threads).cancel(cancel).build();
        List<Point> out = new ArrayList<>();
        for (ParetoSweep.Point p : ParetoSweep.run(problem, cost, paretoPoints, null, control)) {
            Candidate c = p.candidate();
            PrecisionConfig config = config(layers, candidates, c.config());
            ConfigEvaluator.Measurement m = evaluator.measure(config, false);
            out.add(new Point(cost, p.budget(), config, m.accuracy(), m.engine(), c.damage(), costs.totals(config),
                    null));
            progress.step();
        }
        return out;
    }

    private List<Point> uniform(List<Layer> layers, List<Precision> candidates, CostTable costs,
                                ConfigEvaluator evaluator, SearchProblem problem) {
        List<Point> out = new ArrayList<>();
        for (int c = 0; c < candidates.size(); c++) {
            int[] choice = new int[layers.size()];
            Arrays.fill(choice, c);
            PrecisionConfig config = config(layers, candidates, choice);
            ConfigEvaluator.Measurement m = evaluator.measure(config, false);
            out.add(new Point("uniform", Double.NaN, config, m.accuracy(), m.engine(), problem.damage(choice),
                    costs.totals(config), label(candidates.get(c))));
            progress.step();
        }
        return out;
    }

    /**
     * A config the run measured: a point of the Pareto sweep (the budget on {@code cost} it was found
     * at) or a uniform config ({@code uniform} names its precision).
     *
     * @param cost     the swept cost, or {@code uniform}
     * @param budget   the swept cost's limit (NaN for a uniform config)
     * @param config   the config
     * @param accuracy its accuracy on the evaluation split
     * @param engine   the engine that measured it
     * @param damage   its predicted damage (sum of the sensitivity scores)
     * @param costs    its cost totals by cost model
     * @param uniform  the precision label of a uniform config, else null
     */
    public record Point(String cost, double budget, PrecisionConfig config, double accuracy, String engine,
                        double damage, Map<String, Double> costs, String uniform) {
    }

    /**
     * Wall times of the phases, in seconds.
     *
     * @param sensitivity the sensitivity table
     * @param costs       the cost table (measured latency included when asked for)
     * @param search      the strategy
     * @param evaluation  the chosen config's evaluation
     * @param total       the whole run, Pareto sweep and uniform configs included
     */
    public record Timings(double sensitivity, double costs, double search, double evaluation, double total) {
    }

    /**
     * Where a result comes from.
     *
     * @param model    the model's name or file
     * @param version  BitBudget's version
     * @param java     the JDK's version
     * @param osArch   the CPU architecture
     * @param cores    available processors
     * @param seed     the run's seed
     * @param started  when the run started
     * @param finished when it finished
     */
    public record Provenance(String model, String version, String java, String osArch, int cores, long seed,
                             Instant started, Instant finished) {
        static Provenance of(String model, long seed, Instant started, Instant finished) {
            String version = SearchRun.class.getPackage().getImplementationVersion();
            return new Provenance(model, version == null ? "development" : version,
                    System.getProperty("java.version"), System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), seed, started, finished);
        }
    }

    /**
     * What a run found.
     *
     * @param config       the chosen config
     * @param accuracy     its top-1 accuracy on the evaluation split
     * @param engine       {@code integer} or {@code float} (fake quantization): what measured it
     * @param damage       its predicted damage
     * @param costs        its cost totals by cost model (size in bits, BOPs, energy in pJ, …)
     * @param strategy     the strategy's name
     * @param estimator    the estimator's name
     * @param budgets      the budget expressions
     * @param stoppedEarly whether the time limit or a cancel stopped the search before it finished
     * @param pareto       the Pareto sweep's points, cheapest first
     * @param uniform      every uniform config
     * @param sensitivity  the sensitivity table
     * @param timings      phase times
     * @param provenance   versions, machine, seed and times
     */
    public record Result(PrecisionConfig config, double accuracy, String engine, double damage,
                         Map<String, Double> costs, String strategy, String estimator, List<String> budgets,
                         boolean stoppedEarly, List<Point> pareto, List<Point> uniform, SensitivityTable sensitivity,
                         Timings timings, Provenance provenance) {
        public Result {
            costs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(costs));
            budgets = List.copyOf(budgets);
            pareto = List.copyOf(pareto);
            uniform = List.copyOf(uniform);
        }
    }

    /** Hears of the phases of a run and of the steps inside them, for a progress bar. */
    public interface RunProgress {
        /** Does nothing. */
        RunProgress NONE = new RunProgress() {
            @Override
            public void phase(String name, int index, int count) {
            }
        };

        /** Phase {@code index} of {@code count} has started. */
        void phase(String name, int index, int count);

        /** One step of the current phase is done. */
        default void step() {
        }
    }

    /** Options of a {@link SearchRun}; {@link #build} checks them. */
    public static final class Builder {
        private Graph graph;
        private String modelName = "model";
        private Dataset train;
        private Dataset test;
        private Normalization normalization = Normalization.NONE;
        private List<String> weightFormats = DEFAULT_WEIGHT_FORMATS;
        private List<String> activationFormats = List.of("float");
        private List<Integer> accumulators = List.of(32);
        private String estimatorName = "measured";
        private SensitivityEstimator estimator;
        private final List<String> budgets = new ArrayList<>();
        private SearchStrategy strategy;
        private String strategyName = "ilp";
        private long seed;
        private Duration timeLimit;
        private AtomicBoolean cancel = new AtomicBoolean();
        private int threads = Runtime.getRuntime().availableProcessors();
        private int calibration = 512;
        private int evaluationLimit;
        private int paretoPoints = 20;
        private boolean pinEnds;
        private boolean measuredLatency;
        private boolean integerEngine = true;
        private RunProgress progress = RunProgress.NONE;

        private Builder() {
        }

        /** The float model. */
        public Builder model(Graph model) {
            this.graph = Objects.requireNonNull(model, "model");
            this.modelName = model.name();
            return this;
        }

        /** The name results and provenance give the model (default: the graph's name). */
        public Builder modelName(String name) {
            this.modelName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The train split (calibration comes from its start), the test split (evaluation) and their normalisation. */
        public Builder data(Dataset train, Dataset test, Normalization normalization) {
            this.train = Objects.requireNonNull(train, "train");
            this.test = Objects.requireNonNull(test, "test");
            this.normalization = Objects.requireNonNull(normalization, "normalization");
            return this;
        }

        /** Candidate weight formats (default int8, int4, int3, int2). */
        public Builder weightFormats(String... formats) {
            return weightFormats(List.of(formats));
        }

        /** Candidate weight formats. */
        public Builder weightFormats(List<String> formats) {
            this.weightFormats = List.copyOf(formats);
            return this;
        }

        /** Candidate activation formats (default {@code float}: weight-only). */
        public Builder activationFormats(List<String> formats) {
            this.activationFormats = List.copyOf(formats);
            return this;
        }

        /** Candidate accumulator widths in bits (default 32). */
        public Builder accumulators(List<Integer> bits) {
            this.accumulators = List.copyOf(bits);
            return this;
        }

        /** The sensitivity estimator by name: roundoff, bit-gradient, hessian, output-mse or measured (default). */
        public Builder estimator(String name) {
            this.estimatorName = Objects.requireNonNull(name, "estimator");
            this.estimator = null;
            return this;
        }

        /** A sensitivity estimator of your own. */
        public Builder estimator(SensitivityEstimator estimator) {
            this.estimator = Objects.requireNonNull(estimator, "estimator");
            this.estimatorName = estimator.name();
            return this;
        }

        /** Adds a budget, e.g. {@code size <= 0.4*int8} or {@code latency <= 1.5ms}; all must hold. */
        public Builder budget(String expression) {
            this.budgets.add(Objects.requireNonNull(expression, "budget"));
            return this;
        }

        /** The strategy by name: ilp (default), ga, nsga2, greedy, uniform, random or exhaustive. */
        public Builder strategy(String name) {
            this.strategyName = Objects.requireNonNull(name, "strategy");
            this.strategy = null;
            return this;
        }

        /** A strategy of your own. */
        public Builder strategy(SearchStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            this.strategyName = strategy.name();
            return this;
        }

        /** Seeds every random choice (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Stops the strategy after {@code limit}, keeping the best feasible config found (default: none). */
        public Builder timeLimit(Duration limit) {
            this.timeLimit = limit;
            return this;
        }

        /** A flag that, once set (e.g. by Ctrl-C), stops the strategy as the time limit would. */
        public Builder cancel(AtomicBoolean flag) {
            this.cancel = Objects.requireNonNull(flag, "cancel");
            return this;
        }

        /** Worker threads (default: all cores). */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Calibration images, the first of the train split (default 512). */
        public Builder calibration(int images) {
            this.calibration = images;
            return this;
        }

        /** Evaluate on the first {@code images} of the test split only (default: all). */
        public Builder evaluationLimit(int images) {
            this.evaluationLimit = images;
            return this;
        }

        /** Points of the Pareto sweep over the first budget's cost (default 20; 0 skips the sweep). */
        public Builder paretoPoints(int points) {
            this.paretoPoints = points;
            return this;
        }

        /** Pins the first and last layer to the most precise candidate (default false). */
        public Builder pinFirstAndLast(boolean pin) {
            this.pinEnds = pin;
            return this;
        }

        /** Adds the latency measured on this machine's kernels to the cost table (default: only if a budget names it). */
        public Builder measureLatency(boolean measure) {
            this.measuredLatency = measure;
            return this;
        }

        /**
         * Whether the chosen config is evaluated on the integer engine when it can run it (default
         * true); false always evaluates by fake quantization on the float engine.
         */
        public Builder integerEngine(boolean use) {
            this.integerEngine = use;
            return this;
        }

        /** Hears of phases and steps. */
        public Builder progress(RunProgress listener) {
            this.progress = Objects.requireNonNull(listener, "progress");
            return this;
        }

        /**
         * The run.
         *
         * @throws UserInputException naming the option that is missing or wrong
         */
        public SearchRun build() {
            if (graph == null) {
                throw new UserInputException("model", "is required");
            }
            if (train == null) {
                throw new UserInputException("data", "is required");
            }
            if (weightFormats.isEmpty() || activationFormats.isEmpty() || accumulators.isEmpty()) {
                throw new UserInputException("formats", "weights, activations and accumulators need a candidate each");
            }
            for (String f : weightFormats) {
                parse("--formats", f);
            }
            for (String f : activationFormats) {
                parse("--activations", f);
            }
            for (int bits : accumulators) {
                if (bits < 2 || bits > 64) {
                    throw new UserInputException("--accumulators", bits + " is not between 2 and 64 bits");
                }
            }
            if (budgets.isEmpty()) {
                throw new UserInputException("--budget", "at least one budget is required");
            }
            if (threads < 1) {
                throw new UserInputException("--threads", "must be at least 1, got " + threads);
            }
            if (calibration < 1) {
                throw new UserInputException("--calibration", "must be at least 1, got " + calibration);
            }
            if (evaluationLimit < 0) {
                throw new UserInputException("--limit", "must not be negative, got " + evaluationLimit);
            }
            if (paretoPoints == 1 || paretoPoints < 0) {
                throw new UserInputException("--pareto", "must be 0 (no sweep) or at least 2, got " + paretoPoints);
            }
            if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
                throw new UserInputException("--time", "must be positive, got " + timeLimit);
            }
            if (estimator == null) {
                if (!Estimators.NAMES.contains(estimatorName)) {
                    throw new UserInputException("--estimator", "'" + estimatorName + "' is not one of "
                            + String.join(", ", Estimators.NAMES));
                }
                estimator = Estimators.of(estimatorName);
            }
            if (strategy == null) {
                if (!SearchStrategies.NAMES.contains(strategyName.toLowerCase(Locale.ROOT))) {
                    throw new UserInputException("--strategy", "'" + strategyName + "' is not one of "
                            + String.join(", ", SearchStrategies.NAMES));
                }
                strategy = SearchStrategies.byName(strategyName);
            }
            SearchRun run = new SearchRun(this);
            List<Precision> candidates = run.candidates();
            if (candidates.isEmpty()) {
                throw new UserInputException("--accumulators", "accumulators below 32 bits need signed integer "
                        + "weights and integer activations; add 32 or integer --formats/--activations");
            }
            for (Precision p : candidates) {
                if (p.accumulatorBits() < 32 && p.activations().format() instanceof IntegerFormat in
                        && AccumulatorAware.l1Budget(p.accumulatorBits(), AccumulatorAware.maxInputMagnitude(in)) < 1) {
                    throw new UserInputException("--accumulators", "a " + p.accumulatorBits() + "-bit accumulator "
                            + "cannot hold even one weight times the largest " + in.name() + " input");
                }
            }
            // Budget syntax is checked now, not after the sensitivity phase; relative latency budgets
            // need the measured table and are resolved in run().
            CostTable analytic = CostTable.of(LayerInfo.of(graph), candidates,
                    CostModels.analytic(org.bitbudget.costs.EnergyTable.defaults()));
            try {
                Budgets.parseAll(budgets, analytic::reference);
            } catch (IllegalArgumentException needsMeasuredLatency) {
                // Resolved against the measured latency table in run().
            }
            return run;
        }

        private static void parse(String option, String format) {
            try {
                NumberFormat.parse(format);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(option, e.getMessage());
            }
        }
    }
}
