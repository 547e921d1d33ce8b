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
}
