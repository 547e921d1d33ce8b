package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.search.Evaluator;
import org.bitbudget.search.SearchProblem;

/**
 * The calibration objective: a config's score by the run's {@link Metric} (top-1 accuracy by
 * default; better is the metric's direction, {@link #utility}) measured by fake quantization on the
 * calibration images, which the sensitivity phase saw and the evaluation
 * never does. Every config any phase measures through it is remembered with who measured it first, so
 * the run can prove its answer is at least as good as everything it measured ({@link GuaranteePhase}).
 * Thread-safe: the genetic strategies measure from several threads; each distinct config is measured
 * once.
 */
public final class CalibrationObjective {
    /**
     * A measured config.
     *
     * @param config the choice per layer
     * @param score  its calibration score by the metric (not turned: a KL divergence stays positive)
     * @param source what measured it first: {@code strategy}, {@code greedy}, {@code pareto}, {@code
     *               uniform int4}, {@code ga population}, …
     */
    public record Measured(int[] config, double score, String source) {
        public Measured {
            config = config.clone();
        }

        @Override
        public int[] config() {
            return config.clone();
        }
    }

    private final Candidates candidates;
    private final ConfigEvaluator evaluator;
    private final ConfigEvaluator perThread;
    private final Metric metric;
    private final Map<String, Measured> measured = new ConcurrentHashMap<>();

    /**
     * @param graph      the float model
     * @param samples    the run's images; only the calibration images are used
     * @param candidates the candidates a choice indexes
     * @param threads    worker threads of one measurement made by a phase
     * @param metric     what the score is
     */
    public CalibrationObjective(
            Graph graph, SearchData.Samples samples, Candidates candidates, int threads, Metric metric) {
        this(graph, samples, candidates, threads, metric, null);
    }

    /**
     * An objective whose measurements give up (with {@link RunStopped}) as soon as {@code cancel} is set,
     * or never when it is null.
     */
    CalibrationObjective(
            Graph graph,
            SearchData.Samples samples,
            Candidates candidates,
            int threads,
            Metric metric,
            AtomicBoolean cancel) {
        this.candidates = candidates;
        this.metric = metric;
        this.evaluator = new ConfigEvaluator(
                        graph,
                        samples.calibrationImages(),
                        samples.calibrationImages(),
                        samples.calibrationLabels(),
                        threads,
                        metric)
                .cancellable(cancel);
        // One thread per call for the strategies that measure: they call from their own worker threads.
        this.perThread = new ConfigEvaluator(
                        graph,
                        samples.calibrationImages(),
                        samples.calibrationImages(),
                        samples.calibrationLabels(),
                        1,
                        metric)
                .cancellable(cancel);
    }

    /** The metric the scores are by. */
    public Metric metric() {
        return metric;
    }

    /** {@code score} turned so that larger is better (the metric's utility): what "better" compares. */
    public double utility(double score) {
        return metric.utility(score);
    }

    /** The score of {@code config} (one choice per layer), measured once and remembered under {@code source}. */
    public double score(int[] config, String source) {
        return score(config, source, evaluator);
    }

    /**
     * The objective as the strategies see it (the utility, which they maximise), remembering what they
     * measure under {@code source}.
     */
    public Evaluator evaluator(String source) {
        return config -> metric.utility(score(config, source, perThread));
    }

    private double score(int[] config, String source, ConfigEvaluator on) {
        return measured.computeIfAbsent(
                        Arrays.toString(config),
                        k -> new Measured(
                                config,
                                on.measure(candidates.config(config), false).score(),
                                source))
                .score();
    }

    /**
     * The feasible config of {@code problem} with the best measured score, or null when none was measured:
     * what a strategy cut short by a cancel had found.
     */
    int[] bestMeasured(SearchProblem problem) {
        return measured.values().stream()
                .filter(m -> problem.feasible(m.config()))
                .max(Comparator.comparingDouble((Measured m) -> utility(m.score()))
                        .thenComparing(m -> Arrays.toString(m.config())))
                .map(Measured::config)
                .orElse(null);
    }

    /** The score of {@code config} if it was measured, else NaN; measures nothing. */
    public double measuredScore(int[] config) {
        Measured m = measured.get(Arrays.toString(config));
        return m == null ? Double.NaN : m.score();
    }

    /** The precision config of {@code choice} (one candidate per layer). */
    PrecisionConfig config(int[] choice) {
        return candidates.config(choice);
    }

    /** The label of candidate {@code choice} ({@code int4}, {@code int4/uint8}, …). */
    String choiceLabel(int choice) {
        return candidates.labels().get(choice);
    }

    /** The float model's score on the calibration images, the reference of every drop. */
    public double floatScore() {
        return evaluator.floatScore();
    }

    /** Every config measured so far, in no particular order. */
    public List<Measured> measured() {
        return new ArrayList<>(measured.values());
    }
}
