package org.bitbudget.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bitbudget.ir.precision.PrecisionConfig;

/**
 * A config a {@link SearchPipeline} run measured: a point of the Pareto sweep (the budget on {@code cost} it was found
 * at) or a uniform config ({@code uniform} names its precision).
 *
 * @param cost             the swept cost, or {@code uniform}
 * @param budget           the swept cost's limit (NaN for a uniform config)
 * @param config           the config
 * @param accuracy         its top-1 accuracy on the evaluation set (NaN without labels)
 * @param score            its score by the run's metric on the evaluation set
 * @param engine           the engine that measured it
 * @param damage           its predicted damage (sum of the sensitivity scores)
 * @param costs            its cost totals by cost model
 * @param uniform          the precision label of a uniform config, else null
 * @param calibrationScore its score by the metric on the calibration objective
 * @param feasible         whether it meets every budget of the run
 * @param dominated        whether another measured point is as cheap on the swept cost and scores
 *                         better (or cheaper and as well) by the metric: not on the measured front
 */
public record MeasuredPoint(
        String cost,
        double budget,
        PrecisionConfig config,
        double accuracy,
        double score,
        String engine,
        double damage,
        Map<String, Double> costs,
        String uniform,
        double calibrationScore,
        boolean feasible,
        boolean dominated) {
    public MeasuredPoint {
        costs = Collections.unmodifiableMap(new LinkedHashMap<>(costs));
    }

    /** This point, marked dominated. */
    public MeasuredPoint asDominated() {
        return new MeasuredPoint(
                cost,
                budget,
                config,
                accuracy,
                score,
                engine,
                damage,
                costs,
                uniform,
                calibrationScore,
                feasible,
                true);
    }
}
