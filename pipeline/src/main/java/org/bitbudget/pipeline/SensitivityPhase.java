package org.bitbudget.pipeline;

import java.util.Objects;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.data.metric.Top1Metric;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.sensitivity.Estimators;
import org.bitbudget.sensitivity.SensitivityEstimator;
import org.bitbudget.sensitivity.SensitivityProblem;
import org.bitbudget.sensitivity.SensitivityTable;

/**
 * Phase 2, sensitivity: the estimator's damage score of every layer × candidate, on the calibration
 * images only.
 */
public final class SensitivityPhase {
    private final SensitivityEstimator estimator;
    private final long seed;
    private final int threads;
    private final Metric metric;

    public SensitivityPhase(SensitivityEstimator estimator, long seed, int threads) {
        this(estimator, seed, threads, new Top1Metric());
    }

    /** A phase whose {@code measured} estimator measures damage by {@code metric}. */
    public SensitivityPhase(SensitivityEstimator estimator, long seed, int threads, Metric metric) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.seed = seed;
        this.threads = threads;
        this.metric = Objects.requireNonNull(metric, "metric");
    }

    /**
     * The estimator called {@code name}.
     *
     * @throws SettingException for an unknown name
     */
    static SensitivityEstimator named(String name) {
        try {
            return Estimators.of(name);
        } catch (UnknownNameException e) {
            throw new SettingException(Setting.ESTIMATOR, e.reason());
        }
    }

    /** The sensitivity table; every scored layer × candidate is one step of {@code progress}. */
    public SensitivityTable run(Graph graph, SearchData.Samples samples, Candidates candidates, RunProgress progress) {
        SensitivityProblem.Builder builder = SensitivityProblem.builder(graph);
        for (int l = 0; l < candidates.layers().size(); l++) {
            builder.precisions(candidates.layers().get(l), candidates.perLayer().get(l));
        }
        SensitivityProblem problem = builder.calibration(samples.calibrationImages(), samples.calibrationLabels())
                .seed(seed)
                .threads(threads)
                .metric(metric)
                .build();
        return estimator.estimate(problem, (e, l, p) -> progress.step());
    }
}
