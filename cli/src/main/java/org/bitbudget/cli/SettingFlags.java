package org.bitbudget.cli;

import org.bitbudget.ir.UserInputException;
import org.bitbudget.pipeline.Setting;
import org.bitbudget.pipeline.SettingException;

/**
 * The one place where the command line names the library's settings: a {@link SettingException}
 * ({@code budget 'size <= 2KiB': ...}) becomes the same error about the flag that sets it ({@code
 * --budget 'size <= 2KiB': ...}).
 */
final class SettingFlags {
    private SettingFlags() {}

    /** The flag that sets {@code setting}. */
    static String flag(Setting setting) {
        return switch (setting) {
            case MODEL -> "--model";
            case DATA -> "--data";
            case WEIGHT_FORMATS -> "--formats";
            case ACTIVATION_FORMATS -> "--activations";
            case ACCUMULATORS -> "--accumulators";
            case ESTIMATOR -> "--estimator";
            case BUDGET -> "--budget";
            case STRATEGY -> "--strategy";
            case TIME_LIMIT -> "--time";
            case THREADS -> "--threads";
            case CALIBRATION -> "--calibration";
            case EVALUATION_LIMIT -> "--limit";
            case PARETO_POINTS -> "--pareto";
            case FITNESS -> "--fitness";
            case MAX_DROP -> "--max-drop";
            case METRIC -> "--metric";
            case COUPLING -> "--coupling";
            case CLIPPING -> "--clipping";
            case BIAS_CORRECTION -> "--bias-correction";
            case IGNORE -> "--ignore";
            case TARGET -> "--target";
        };
    }

    /** {@code e} with its setting named by its flag. */
    static UserInputException onFlags(SettingException e) {
        return new UserInputException(SettingException.source(flag(e.setting()), e.value()), e.problem(), e);
    }
}
