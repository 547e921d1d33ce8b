package org.bitbudget.sensitivity;

import java.util.Objects;
import org.bitbudget.ir.precision.Precision;

/**
 * One cell of a sensitivity table: the damage score of one layer in one precision by one estimator.
 *
 * @param layer         the layer name
 * @param estimator     the estimator's name
 * @param precision     the candidate precision scored
 * @param score         the damage score (higher = more damage); its unit depends on the estimator
 * @param seconds       this row's share of the estimator's wall time (a column sums to the estimator's time)
 * @param standardError the score's standard error where the estimator samples ({@code hessian}), else NaN
 * @param accuracy      top-1 accuracy on the problem's images with only this layer quantized
 *                      ({@code measured}), else NaN
 * @param accuracyDrop  float accuracy minus {@code accuracy} ({@code measured}), else NaN
 */
public record SensitivityRow(
        String layer,
        String estimator,
        Precision precision,
        double score,
        double seconds,
        double standardError,
        double accuracy,
        double accuracyDrop) {
    public SensitivityRow {
        Objects.requireNonNull(layer);
        Objects.requireNonNull(estimator);
        Objects.requireNonNull(precision);
    }

    /** A row with no standard error or accuracy. */
    public static SensitivityRow of(String layer, String estimator, Precision precision, double score, double seconds) {
        return new SensitivityRow(layer, estimator, precision, score, seconds, Double.NaN, Double.NaN, Double.NaN);
    }

    /** The text form of the weight quantizer (the CSV's {@code weights} column). */
    public String weights() {
        return precision.weights().label(true);
    }

    /** The text form of the activation quantizer (the CSV's {@code activations} column). */
    public String activations() {
        return precision.activations().label(false);
    }

    /** This row with {@code seconds} replaced. */
    public SensitivityRow withSeconds(double s) {
        return new SensitivityRow(layer, estimator, precision, score, s, standardError, accuracy, accuracyDrop);
    }
}
