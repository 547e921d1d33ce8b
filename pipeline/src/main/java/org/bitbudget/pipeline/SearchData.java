package org.bitbudget.pipeline;

import java.util.Arrays;
import java.util.Objects;
import org.bitbudget.data.DataSets;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Normalization;
import org.bitbudget.ir.tensor.Tensor;

/**
 * The data of a search run: two sets that share no sample. Calibration (activation ranges,
 * sensitivity, the genetic strategies' measured fitness) comes from the start of the calibration set
 * ({@code train}); the reported score is measured on the evaluation set ({@code test}), which no
 * earlier phase sees.
 *
 * @param train         the calibration set: the train split of an idx source, {@code
 *                      --calibration-data}, or a seeded part of the data ({@link DataSets})
 * @param test          the evaluation set
 * @param normalization how both are normalised
 * @param origin        one line saying where each set comes from, for the run's output
 */
public record SearchData(DataSource train, DataSource test, Normalization normalization, String origin) {
    /**
     * @throws SettingException naming the data when both sets read the same samples (the reported score
     *                          would then be measured on what calibration and search saw)
     */
    public SearchData {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(normalization, "normalization");
        Objects.requireNonNull(origin, "origin");
        if (DataSets.sameSamples(train, test)) {
            throw new SettingException(
                    Setting.DATA,
                    "the calibration set " + train.name() + " holds the evaluation samples; give other "
                            + "calibration data or a split of the data");
        }
    }

    /** Calibration set {@code train}, evaluation set {@code test}. */
    public SearchData(DataSource train, DataSource test, Normalization normalization) {
        this(train, test, normalization, "calibration " + train.name() + ", evaluation " + test.name());
    }

    /** The sets {@code sets} chose. */
    public static SearchData of(DataSets sets, Normalization normalization) {
        return new SearchData(sets.calibration(), sets.evaluation(), normalization, sets.origin());
    }

    /**
     * The images a run uses: the first {@code calibration} calibration images and the first {@code
     * evaluationLimit} evaluation images (all of them when the limit is 0).
     */
    public Samples samples(int calibration, int evaluationLimit) {
        int n = Math.min(calibration, train.size());
        DataSource evaluation =
                evaluationLimit > 0 && evaluationLimit < test.size() ? test.limit(evaluationLimit) : test;
        return new Samples(
                train.batch(0, n, normalization),
                train.labelled() ? Arrays.copyOf(train.labels(), n) : null,
                evaluation.batch(0, evaluation.size(), normalization),
                evaluation.labelled() ? evaluation.labels() : null);
    }

    /**
     * Normalised images and their labels.
     *
     * @param calibrationImages  calibration images, from the calibration set
     * @param calibrationLabels  their labels, or null when the set has none
     * @param evaluationImages   evaluation images, from the evaluation set
     * @param evaluationLabels   their labels, or null when the set has none
     */
    public record Samples(
            Tensor calibrationImages, int[] calibrationLabels, Tensor evaluationImages, int[] evaluationLabels) {
        public Samples {
            calibrationLabels = calibrationLabels == null ? null : calibrationLabels.clone();
            evaluationLabels = evaluationLabels == null ? null : evaluationLabels.clone();
        }

        @Override
        public int[] calibrationLabels() {
            return calibrationLabels == null ? null : calibrationLabels.clone();
        }

        @Override
        public int[] evaluationLabels() {
            return evaluationLabels == null ? null : evaluationLabels.clone();
        }
    }
}
