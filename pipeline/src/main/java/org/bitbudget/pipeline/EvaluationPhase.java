package org.bitbudget.pipeline;

import java.util.Objects;
import org.bitbudget.ir.precision.PrecisionConfig;

/**
 * Phase 8, evaluation: the chosen config's accuracy on the evaluation images, which no earlier phase
 * has seen — on the integer engine when it runs the config and the run asks for it, else by fake
 * quantization on the float engine.
 */
public final class EvaluationPhase {
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

    /** The chosen config's accuracy and the engine that measured it. */
    public ConfigEvaluator.Measurement run(PrecisionConfig chosen) {
        return evaluator.measure(chosen, integerEngine);
    }
}
