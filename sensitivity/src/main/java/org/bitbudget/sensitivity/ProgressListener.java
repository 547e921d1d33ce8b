package org.bitbudget.sensitivity;

import org.bitbudget.ir.precision.Precision;

/**
 * Told when an estimator has scored one cell of its table (one layer in one candidate precision),
 * so a caller can drive a progress bar over layers × precisions. Called from any thread.
 */
@FunctionalInterface
public interface ProgressListener {
    /** Does nothing. */
    ProgressListener NONE = (estimator, layer, precision) -> {};

    /** {@code estimator} has scored {@code layer} in {@code precision}. */
    void scored(String estimator, String layer, Precision precision);

    /**
     * Called often while an estimator works (at least once per forward pass of a chunk of images), from
     * any thread: a caller that wants the work given up throws an unchecked exception here, and {@link
     * SensitivityEstimator#estimate} ends with it. Does nothing by default.
     */
    default void checkpoint() {}
}
