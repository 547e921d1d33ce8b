package org.bitbudget.pipeline;

import java.util.Objects;
import org.bitbudget.ir.precision.PrecisionConfig;

/**
 * Phase 8, evaluation: the chosen config's accuracy on the evaluation images, which no earlier phase
 * has seen — on the integer engine when it runs the config and the run asks for it, else by fake
 * quantization on the float engine.
 */
public final class EvaluationPhase {
    /** The engine named by the measurement of a config whose evaluation a cancel stopped. */
    public static final String NOT_EVALUATED = "none (interrupted)";

    private final ConfigEvaluator evaluator;
    private final boolean integerEngine;

    /**
     * @param evaluator     measures configs on the evaluation images
     * @param integerEngine whether the integer engine measures the config when it can run it
     */
    public EvaluationPhase(ConfigEvaluator evaluator, boolean integerEngine) {
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.integerEngine = integerEngine;
    }

    /**
     * The chosen config's accuracy and the engine that measured it; after a cancel, NaN scores by the
     * engine {@value #NOT_EVALUATED} (the config is still returned).
     */
    public ConfigEvaluator.Measurement run(PrecisionConfig chosen) {
        try {
            return evaluator.measure(chosen, integerEngine);
        } catch (RunStopped stopped) {
            return new ConfigEvaluator.Measurement(
                    Double.NaN, NOT_EVALUATED, evaluator.metric().name(), Double.NaN);
        }
    }
}
