package org.bitbudget.pipeline;

/**
 * The settings of a {@link SearchPipeline}, by the names its errors use: a phase that rejects a
 * setting says which one ({@code budget 'size <= 2KiB': ...}), and a front end that reads the
 * settings from somewhere else (command-line flags, YAML fields) maps the setting to its own name.
 */
public enum Setting {
    /** The float model. */
    MODEL("model"),
    /** The train and test data. */
    DATA("data"),
    /** Candidate weight formats. */
    WEIGHT_FORMATS("weight formats"),
    /** Candidate activation formats. */
    ACTIVATION_FORMATS("activation formats"),
    /** Candidate accumulator widths. */
    ACCUMULATORS("accumulators"),
    /** The sensitivity estimator. */
    ESTIMATOR("estimator"),
    /** The budgets. */
    BUDGET("budget"),
    /** The search strategy. */
    STRATEGY("strategy"),
    /** The search's time limit. */
    TIME_LIMIT("time limit"),
    /** Worker threads. */
    THREADS("threads"),
    /** Calibration images. */
    CALIBRATION("calibration images"),
    /** Evaluation images. */
    EVALUATION_LIMIT("evaluation images"),
    /** Points of the Pareto sweep. */
    PARETO_POINTS("pareto points"),
    /** What the genetic strategies maximise: predicted damage or the measured calibration score. */
    FITNESS("fitness"),
    /** The accuracy target: the largest allowed drop from the float score. */
    MAX_DROP("max drop"),
    /** The metric that scores configs. */
    METRIC("metric"),
    /** What the layers of a coupling group share. */
    COUPLING("coupling"),
    /** Candidate weight clipping rules. */
    CLIPPING("clipping"),
    /** Whether weight candidates are bias-corrected. */
    BIAS_CORRECTION("bias correction"),
    /** Layers that stay float and are not searched (names or patterns). */
    IGNORE("ignore"),
    /** The runtime whose integer arithmetic the candidates must survive. */
    TARGET("target");

    private final String label;

    Setting(String label) {
        this.label = label;
    }

    /** How errors name the setting, e.g. {@code calibration images}. */
    public String label() {
        return label;
    }
}
