package org.bitbudget.pipeline;

import java.util.Arrays;
import java.util.Objects;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Normalization;
import org.bitbudget.ir.tensor.Tensor;

/**
 * The data of a search run: calibration (activation ranges, sensitivity, the genetic strategies'
 * fitness) comes from the start of the train split; accuracy is measured on the test split, which no
 * earlier phase sees.
 *
 * @param train         the train split
 * @param test          the test split
 * @param normalization how both are normalised
 */
public record SearchData(DataSource train, DataSource test, Normalization normalization) {
    public SearchData {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(normalization, "normalization");
    }

    /**
     * The images a run uses: the first {@code calibration} train images and the first {@code
     * evaluationLimit} test images (all of them when the limit is 0).
     */
    public Samples samples(int calibration, int evaluationLimit) {
        int n = Math.min(calibration, train.size());
        DataSource evaluation =
                evaluationLimit > 0 && evaluationLimit < test.size() ? test.limit(evaluationLimit) : test;
        return new Samples(
                train.batch(0, n, normalization),
                Arrays.copyOf(train.labels(), n),
                evaluation.batch(0, evaluation.size(), normalization),
                evaluation.labels());
    }

    /**
     * Normalised images and their labels.
     *
     * @param calibrationImages  calibration images, from the train split
     * @param calibrationLabels  their labels
     * @param evaluationImages   evaluation images, from the test split
     * @param evaluationLabels   their labels
     */
    public record Samples(
            Tensor calibrationImages, int[] calibrationLabels, Tensor evaluationImages, int[] evaluationLabels) {
        public Samples {
            calibrationLabels = calibrationLabels.clone();
            evaluationLabels = evaluationLabels.clone();
        }

        @Override
        public int[] calibrationLabels() {
            return calibrationLabels.clone();
        }

        @Override
        public int[] evaluationLabels() {
            return evaluationLabels.clone();
        }
    }
}
