package org.bitbudget.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.RuntimeTarget;
import org.bitbudget.search.GeneticStrategy;
import org.bitbudget.search.SearchControl;
import org.bitbudget.search.SearchProblem;
import org.bitbudget.search.SearchResult;
import org.bitbudget.search.SearchStrategy;
import org.bitbudget.sensitivity.SensitivityEstimator;
import org.bitbudget.sensitivity.SensitivityTable;

/**
 * One search run as a pipeline of phases, the way DESIGN.md draws it: {@link CandidatesPhase
 * candidates} → {@link SensitivityPhase sensitivity} → {@link CostPhase costs} → {@link ProblemPhase
 * problem} → {@link StrategyPhase strategy} (or {@link AccuracyTargetPhase the cheapest config within an
 * accuracy target}) → {@link ParetoPhase Pareto} → {@link GuaranteePhase guarantee} → {@link
 * EvaluationPhase evaluation}. Each phase is a small class that takes and returns immutable values; this class only wires
 * them, times them and reports them to a {@link RunProgress}. Immutable; build one with {@link
 * #builder(Graph, SearchData)}, run it with {@link #run()} as often as you like.
 *
 * <p>Calibration (activation ranges, sensitivity, measured fitness, the guarantee) uses the first
 * {@code calibration} images of the calibration set; the reported score is measured on the evaluation
 * set, which shares no sample with it ({@link SearchData}). Configs are scored by a {@link Metric}
 * (default: top-1 with labels, top-1 agreement with the float model without; {@link Scoring}); a
 * calibration set without labels gets the float model's predictions as labels for the estimators
 * that need them. The chosen config is evaluated on the integer
 * engine when it runs the config, else by fake quantization on the float engine (the result says
 * which); Pareto points and uniform configs are evaluated by fake quantization.
 *
 * <p>Settings that cannot work are {@link SettingException}s naming the setting ({@code budget 'size
 * <= 2KiB': ...}); {@link #builder} checks what it can before anything expensive runs.
 */
public final class SearchPipeline {
    /** Weight formats when none are given. */
    public static final List<String> DEFAULT_WEIGHT_FORMATS = List.of("int8", "int4", "int3", "int2");

    private static final int PHASES = 5;

    private final Graph graph;
    private final String modelName;
    private final SearchData data;
    private final CandidatesPhase candidates;
    private final SensitivityEstimator estimator;
    private final CostPhase costs;
    private final List<String> budgets;
    private final SearchStrategy strategy;
    private final long seed;
    private final Duration timeLimit;
    private final AtomicBoolean cancel;
    private final int threads;
    private final int calibration;
    private final int evaluationLimit;
    private final int paretoPoints;
    private final ProblemPhase problemPhase;
    private final boolean integerEngine;
    private final boolean confirmAgainstUniform;
    private final RunProgress progress;
    private final AccuracyTarget target;
    private final Metric metric;

    private SearchPipeline(
            Builder b,
            CandidatesPhase candidates,
            SensitivityEstimator estimator,
            CostPhase costs,
            SearchStrategy strategy,
            Scoring scoring) {
        this.graph = b.graph;
        this.modelName = b.modelName;
        this.data = b.data;
        this.candidates = candidates;
        this.estimator = estimator;
        this.costs = costs;
        this.budgets = List.copyOf(b.budgets);
        this.strategy = strategy;
        this.seed = b.seed;
        this.timeLimit = b.timeLimit;
        this.cancel = b.cancel;
        this.threads = b.threads;
        this.calibration = b.calibration;
        this.evaluationLimit = b.evaluationLimit;
        this.paretoPoints = b.paretoPoints;
        this.problemPhase = new ProblemPhase(b.pinEnds, b.coupling);
        this.integerEngine = b.integerEngine;
        this.confirmAgainstUniform = b.confirmAgainstUniform;
        this.progress = b.progress;
        this.target = scoring.target();
        this.metric = scoring.metric();
    }

    /** What the target changed in the candidates, one line each (none for a target that changes nothing). */
    public List<String> targetNotes() {
        return candidates.targetNotes();
    }

    /**
     * A builder for a run of {@code model} on {@code data}, with the defaults: weight formats
     * int8/int4/int3/int2, float activations, 32-bit accumulators, the measured estimator and the ILP
     * strategy. At least one {@link Builder#budget budget} is required.
     */
    public static Builder builder(Graph model, SearchData data) {
        return new Builder(model, data);
    }

    /**
     * Runs the phases.
     *
     * @throws SettingException for a budget no config meets (naming it and how far the cheapest config
     *                          is) or a strategy that fails
     */
    public Result run() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        // One deadline for the whole run: the search and the sweep share --time with the sensitivity phase.
        SearchControl.Builder controlBuilder =
                SearchControl.builder().seed(seed).threads(threads).cancel(cancel);
        if (timeLimit != null) {
            controlBuilder.timeLimit(timeLimit);
        }
        SearchControl control = controlBuilder.build();
        SearchData.Samples samples =
                Scoring.withCalibrationLabels(graph, data.samples(calibration, evaluationLimit), threads);
        Candidates space = candidates.run(graph, samples.calibrationImages());

        progress.phase("sensitivity (" + estimator.name() + ")", 0, PHASES);
        SensitivityTable table =
                new SensitivityPhase(estimator, seed, threads, metric).run(graph, samples, space, progress, control);
        double sensitivitySeconds = (System.nanoTime() - t0) / 1e9;

        progress.phase("costs", 1, PHASES);
        long t1 = System.nanoTime();
        Costs costTable = costs.run(graph, space);
        double costSeconds = (System.nanoTime() - t1) / 1e9;

        progress.phase("search (" + strategy.name() + ")", 2, PHASES);
        long t2 = System.nanoTime();
        CalibrationObjective objective = new CalibrationObjective(graph, samples, space, threads, metric, cancel);
        SearchProblem problem =
                problemPhase.run(space, table, costTable, objective.evaluator(strategy.name() + " population"));
        double floatScore = objective.floatScore();
        String minimised = ParetoPhase.sweptCost(problem);
        SearchResult found = StrategyPhase.orCutShort(
                () -> target == null
                        ? new StrategyPhase(strategy, control).run(problem, costTable)
                        : new AccuracyTargetPhase(strategy, control)
                                .run(problem, costTable, minimised, target, objective, floatScore),
                strategy.name(),
                problem,
                objective,
                control);
        double searchSeconds = (System.nanoTime() - t2) / 1e9;
        int searchMeasured = objective.measured().size();

        progress.phase("pareto front", 3, PHASES);
        ConfigEvaluator evaluator = ConfigEvaluator.onEvaluationImages(graph, samples, threads, metric, cancel);
        ParetoPhase.Front front = new ParetoPhase(paretoPoints, control)
                .run(problem, space, costTable.table(), evaluator, objective, progress);
        GuaranteePhase.Decision decision = new GuaranteePhase(
                        target,
                        minimised,
                        confirmAgainstUniform
                                ? ConfigEvaluator.onFurtherCalibrationImages(
                                        graph, data, samples, threads, metric, cancel)
                                : null)
                .run(problem, found.config(), objective, floatScore, control);

        progress.phase("evaluation", 4, PHASES);
        long t3 = System.nanoTime();
        // The config carries its calibrated activation encodings: eval, export and the integer engine
        // then reproduce this evaluation without calibrating again.
        PrecisionConfig chosen = evaluator.calibrated(space.config(decision.config()));
        ConfigEvaluator.Measurement measured = new EvaluationPhase(evaluator, integerEngine).run(chosen);
        Outcome outcome = new Outcome(
                metric,
                floatScore,
                evaluator.floatAccuracy(),
                evaluator.floatScore(),
                decision.score(),
                decision.strategyScore(),
                decision.replacedBy(),
                front.bestUniform(minimised, metric),
                target,
                searchMeasured);
        double evaluationSeconds = (System.nanoTime() - t3) / 1e9;

        PhaseTimings timings = new PhaseTimings(
                sensitivitySeconds, costSeconds, searchSeconds, evaluationSeconds, (System.nanoTime() - t0) / 1e9);
        return new Result(
                chosen,
                measured.accuracy(),
                metric.name(),
                measured.score(),
                data.origin(),
                measured.engine(),
                problem.damage(decision.config()),
                costTable.table().totals(chosen),
                strategy.name(),
                estimator.name(),
                budgets,
                found.stoppedEarly() || control.shouldStop(),
                front.pareto(),
                front.uniform(),
                table,
                timings,
                Provenance.of(modelName, seed, started, Instant.now()),
                outcome);
    }

    /**
     * What a run found.
     *
     * @param config       the chosen config
     * @param accuracy     its top-1 accuracy on the evaluation set (NaN without labels)
     * @param metric       the metric that scored configs (search, measured sensitivity, Pareto points,
     *                     the guarantee)
     * @param score        its score by {@code metric} on the evaluation set
     * @param data         where the calibration and evaluation sets come from
     * @param engine       {@code integer} or {@code float} (fake quantization): what measured it
     * @param damage       its predicted damage
     * @param costs        its cost totals by cost model, each in its model's unit (size in bits, BOPs,
     *                     energy in pJ, latency in ms, …)
     * @param strategy     the strategy's name
     * @param estimator    the estimator's name
     * @param budgets      the budget expressions
     * @param stoppedEarly whether the time limit or a cancel stopped the search before it finished
     * @param pareto       the Pareto sweep's points, cheapest first
     * @param uniform      every uniform config
     * @param sensitivity  the sensitivity table
     * @param timings      phase times
     * @param provenance   versions, machine, seed and times
     * @param outcome      the float scores, the strategy's pick and the best feasible uniform config
     *                     beside the returned config, and the accuracy target
     */
    public record Result(
            PrecisionConfig config,
            double accuracy,
            String metric,
            double score,
            String data,
            String engine,
            double damage,
            Map<String, Double> costs,
            String strategy,
            String estimator,
            List<String> budgets,
            boolean stoppedEarly,
            List<MeasuredPoint> pareto,
            List<MeasuredPoint> uniform,
            SensitivityTable sensitivity,
            PhaseTimings timings,
            Provenance provenance,
            Outcome outcome) {
        public Result {
            costs = Collections.unmodifiableMap(new LinkedHashMap<>(costs));
            budgets = List.copyOf(budgets);
            pareto = List.copyOf(pareto);
            uniform = List.copyOf(uniform);
        }

        /**
         * The drop from the float model's score on the evaluation set, in the metric's direction
         * (positive: worse than float).
         */
        public double drop() {
            return outcome.drop(outcome.floatEvaluationScore(), score);
        }

        /** Whether the accuracy target holds on the evaluation set; true when there is no target. */
        public boolean targetMetOnEvaluation() {
            return outcome.target() == null || outcome.target().met(score, outcome.floatEvaluationScore());
        }

        /** The total of cost model {@code name}, NaN when the run did not compute it. */
        public double cost(String name) {
            Double v = costs.get(name);
            return v == null ? Double.NaN : v;
        }
    }

    /** Settings of a {@link SearchPipeline}; {@link #build} checks them. */
    public static final class Builder {
        private final Graph graph;
        private final SearchData data;
        private String modelName;
        private List<String> weightFormats = DEFAULT_WEIGHT_FORMATS;
        private List<String> activationFormats = List.of("float");
        private List<Integer> accumulators = List.of(32);
        private String estimatorName = "measured";
        private SensitivityEstimator estimator;
        private final List<String> budgets = new ArrayList<>();
        private String strategyName = "ilp";
        private SearchStrategy strategy;
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
        private boolean confirmAgainstUniform = true;
        private RunProgress progress = RunProgress.NONE;
        private boolean accumulatorsGiven;
        private GeneticStrategy.Fitness fitness;
        private AccuracyTarget maxDrop;
        private String metricName;
        private FormatCoupling coupling = FormatCoupling.ACTIVATIONS;
        private RuntimeTarget runtime = RuntimeTarget.GENERIC;
        private List<String> ignore = List.of();

        private Builder(Graph model, SearchData data) {
            this.graph = Objects.requireNonNull(model, "model");
            this.data = Objects.requireNonNull(data, "data");
            this.modelName = model.name();
        }

        /** The name results and provenance give the model (default: the graph's name). */
        public Builder modelName(String name) {
            this.modelName = Objects.requireNonNull(name, "name");
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

        /**
         * Candidate accumulator widths in bits (default 32, plus the width each {@code accumulator <= N}
         * budget allows when this is not called).
         */
        public Builder accumulators(List<Integer> bits) {
            this.accumulators = List.copyOf(bits);
            this.accumulatorsGiven = true;
            return this;
        }

        /** The sensitivity estimator by name: roundoff, bit-gradient, hessian, fisher, output-mse, kl or measured (default). */
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

        /**
         * Adds a budget, e.g. {@code size <= 0.4*int8} or {@code latency <= 1.5ms}; all must hold. An
         * accuracy floor, {@code accuracy >= 0.90}, is an accuracy target (see {@link #maxDrop}).
         */
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

        /**
         * Bounds the whole run by {@code limit} from {@link #run()}'s start (default: none): the search
         * stops there keeping the best feasible config found, and the Pareto sweep and the uniform configs
         * stop measuring; the sensitivity table is always finished (no search runs without it), and the
         * returned config is always evaluated.
         */
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

        /** Calibration images, the first of the calibration set (default 512). */
        public Builder calibration(int images) {
            this.calibration = images;
            return this;
        }

        /** Evaluate on the first {@code images} of the evaluation set only (default 0: all). */
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

        /**
         * Whether as many further calibration images (ones no phase chose a config on) confirm the choice
         * (default true; see {@link GuaranteePhase}): the best feasible uniform config is returned when it
         * scores better there, and with an accuracy target the returned config meets it there too; false
         * returns the best measured config.
         */
        public Builder confirmAgainstUniform(boolean confirm) {
            this.confirmAgainstUniform = confirm;
            return this;
        }

        /**
         * What {@code ga} and {@code nsga2} maximise: {@code predicted} (minus the summed damage, their
         * default) or {@code measured} (the calibration score of each config, measured once); other
         * strategies refuse it.
         */
        public Builder fitness(String name) {
            this.fitness = StrategyPhase.fitness(name);
            return this;
        }

        /**
         * An accuracy target instead of the most accuracy: the cheapest config (on the first summed
         * budget's cost, else size) whose calibration score is within {@code drop} of the float model's,
         * e.g. {@code 0.5pp}, {@code 1%} or {@code 0.01}; the other budgets still hold.
         */
        public Builder maxDrop(String drop) {
            this.maxDrop = AccuracyTarget.maxDrop(drop);
            return this;
        }

        /**
         * The metric that scores configs: the chosen config, the Pareto points, the {@code measured}
         * estimator's damage, measured fitness and the guarantee (default: {@code top1} when the
         * evaluation set has labels, else {@code agreement}). An accuracy target applies to its score.
         */
        public Builder metric(String name) {
            this.metricName = Objects.requireNonNull(name, "metric");
            return this;
        }

        /** What coupled layers share: {@code activations} (default), {@code all} (weights too) or {@code none}. */
        public Builder coupling(String name) {
            this.coupling = FormatCoupling.named(name);
            return this;
        }

        /** The runtime the candidates must run exactly on (default generic): x86-avx2 searches int7 for int8. */
        public Builder target(RuntimeTarget target) {
            this.runtime = Objects.requireNonNull(target, "target");
            return this;
        }

        /** Layers that stay float and are not searched: names or patterns, as a config's {@code ignore:}. */
        public Builder ignore(List<String> scopes) {
            this.ignore = List.copyOf(scopes);
            return this;
        }

        /** Hears of phases and steps. */
        public Builder progress(RunProgress listener) {
            this.progress = Objects.requireNonNull(listener, "progress");
            return this;
        }

        /**
         * The pipeline, its settings checked (budget syntax included) before any phase runs.
         *
         * @throws SettingException naming the setting that is missing or cannot work
         */
        public SearchPipeline build() {
            List<String> costBudgets =
                    budgets.stream().filter(b -> !AccuracyTarget.isFloor(b)).toList();
            Scoring scoring = Scoring.of(
                    metricName,
                    data,
                    budgets.stream().filter(AccuracyTarget::isFloor).toList(),
                    maxDrop);
            if (costBudgets.isEmpty() && scoring.target() == null) {
                throw new SettingException(Setting.BUDGET, "at least one budget is required");
            }
            CandidatesPhase candidates = new CandidatesPhase(
                    weightFormats,
                    activationFormats,
                    accumulatorsGiven ? accumulators : AccumulatorWidths.withBudgets(accumulators, costBudgets),
                    runtime,
                    ignore);
            CostPhase costs = new CostPhase(costBudgets, measuredLatency);
            if (threads < 1) {
                throw new SettingException(Setting.THREADS, "must be at least 1, got " + threads);
            }
            if (calibration < 1) {
                throw new SettingException(Setting.CALIBRATION, "must be at least 1, got " + calibration);
            }
            if (evaluationLimit < 0) {
                throw new SettingException(Setting.EVALUATION_LIMIT, "must not be negative, got " + evaluationLimit);
            }
            if (paretoPoints == 1 || paretoPoints < 0) {
                throw new SettingException(
                        Setting.PARETO_POINTS, "must be 0 (no sweep) or at least 2, got " + paretoPoints);
            }
            if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
                throw new SettingException(Setting.TIME_LIMIT, "must be positive, got " + timeLimit);
            }
            SensitivityEstimator chosenEstimator =
                    estimator != null ? estimator : SensitivityPhase.named(estimatorName);
            SearchStrategy chosenStrategy =
                    strategy != null && fitness == null ? strategy : StrategyPhase.named(strategyName, fitness);
            costs.check(graph, candidates.run(graph));
            return new SearchPipeline(this, candidates, chosenEstimator, costs, chosenStrategy, scoring);
        }
    }
}
