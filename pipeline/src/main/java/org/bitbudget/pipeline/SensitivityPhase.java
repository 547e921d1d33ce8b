package org.bitbudget.pipeline;

import java.util.Objects;
import org.bitbudget.ir.graph.Graph;
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

    public SensitivityPhase(SensitivityEstimator estimator, long seed, int threads) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.seed = seed;
        this.threads = threads;
    }

    /** The sensitivity table; every scored layer × candidate is one step of {@code progress}. */
    public SensitivityTable run(Graph graph, SearchData.Samples samples, Candidates candidates, RunProgress progress) {
        SensitivityProblem problem = SensitivityProblem.builder(graph)
                .calibration(samples.calibrationImages(), samples.calibrationLabels())
                .precisions(candidates.precisions())
                .seed(seed)
                .threads(threads)
                .build();
        return estimator.estimate(problem, (e, l, p) -> progress.step());
    }
}
