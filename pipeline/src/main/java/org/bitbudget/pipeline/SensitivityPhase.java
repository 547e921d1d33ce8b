package org.bitbudget.pipeline;

import java.util.List;
import java.util.Objects;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.data.metric.Top1Metric;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.search.SearchControl;
import org.bitbudget.sensitivity.Estimators;
import org.bitbudget.sensitivity.ProgressListener;
import org.bitbudget.sensitivity.RoundoffEstimator;
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
        return run(graph, samples, candidates, progress, SearchControl.defaults());
    }

    /**
     * The sensitivity table, given up when {@code control} says stop (a cancel or the run's deadline):
     * the run then goes on with the {@code roundoff} table, which needs no forward pass per cell, so
     * that a stopped run still returns a config within a second.
     */
    public SensitivityTable run(
            Graph graph,
            SearchData.Samples samples,
            Candidates candidates,
            RunProgress progress,
            SearchControl control) {
        SensitivityProblem.Builder builder = SensitivityProblem.builder(graph);
        for (int l = 0; l < candidates.layers().size(); l++) {
            builder.precisions(candidates.layers().get(l), candidates.perLayer().get(l));
        }
        builder.calibration(samples.calibrationImages(), samples.calibrationLabels())
                .seed(seed)
                .threads(threads)
                .metric(metric);
        // An ignored layer is not searched: its only precision is float, which damages nothing.
        graph.layers().stream()
                .filter(l -> !candidates.layers().contains(l.name()))
                .forEach(l -> builder.precisions(l.name(), List.of(Precision.FLOAT)));
        SensitivityProblem problem = builder.build();
        if (!control.shouldStop()) {
            try {
                return estimator.estimate(problem, new ProgressListener() {
                    @Override
                    public void scored(String estimator, String layer, Precision precision) {
                        progress.step();
                        checkpoint();
                    }

                    @Override
                    public void checkpoint() {
                        if (control.shouldStop()) {
                            throw new RunStopped();
                        }
                    }
                });
            } catch (RunStopped stopped) {
                // Falls through to the fallback table.
            }
        }
        return new RoundoffEstimator().estimate(problem, ProgressListener.NONE);
    }
}
