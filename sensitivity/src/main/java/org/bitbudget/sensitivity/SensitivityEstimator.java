package org.bitbudget.sensitivity;

/**
 * Scores how much damage each layer takes in each candidate precision: higher means more damage.
 * Implementations are stateless; the same problem (same seed) gives the same table on any thread
 * count, apart from the {@code seconds} column. {@link Estimators#of(String)} builds one by name.
 */
public interface SensitivityEstimator {
    /** The name tables and the command line use, e.g. {@code roundoff}. */
    String name();

    /**
     * One row per layer × candidate precision of {@code problem}, in graph order then candidate
     * order; {@code progress} hears of every row as it is scored.
     */
    SensitivityTable estimate(SensitivityProblem problem, ProgressListener progress);
}
