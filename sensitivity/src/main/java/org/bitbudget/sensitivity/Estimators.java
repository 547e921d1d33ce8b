package org.bitbudget.sensitivity;

import java.util.List;

/** The estimators by name. */
public final class Estimators {
    /** Every estimator's name, cheapest first; {@code measured} is the ground truth. */
    public static final List<String> NAMES = List.of(RoundoffEstimator.NAME, BitGradientEstimator.NAME,
            HessianEstimator.NAME, OutputMseEstimator.NAME, MeasuredEstimator.NAME);

    private Estimators() {
    }

    /**
     * The estimator called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static SensitivityEstimator of(String name) {
        return switch (name) {
            case RoundoffEstimator.NAME -> new RoundoffEstimator();
            case BitGradientEstimator.NAME -> new BitGradientEstimator();
            case HessianEstimator.NAME -> new HessianEstimator();
            case OutputMseEstimator.NAME -> new OutputMseEstimator();
            case MeasuredEstimator.NAME -> new MeasuredEstimator();
            default -> throw new IllegalArgumentException("'" + name + "' is not an estimator (known: "
                    + String.join(", ", NAMES) + ")");
        };
    }
}
