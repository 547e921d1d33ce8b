package org.bitbudget.training;

import java.util.Arrays;
import org.bitbudget.ops.gradients.DTensor;

/**
 * The mean softmax cross-entropy of a batch of logits against class labels, and its gradient:
 * loss = (1/N) Σ_i (log Σ_c e^{z_ic} − z_{i,label_i}), dLoss/dz_ic = (softmax(z_i)_c − [c = label_i]) / N.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    /**
     * A loss evaluation.
     *
     * @param loss     the mean cross-entropy over the batch
     * @param gradient dLoss/dLogits, of the logits' shape
     * @param correct  how many rows' largest logit (the first, on ties) is the label
     */
    public record Result(double loss, DTensor gradient, int correct) {}

    /**
     * Evaluates logits of shape [N, C] against N labels in [0, C).
     *
     * @throws IllegalArgumentException when the shapes or labels do not fit
     */
    public static Result of(DTensor logits, int[] labels) {
        int[] dims = logits.dims();
        if (dims.length != 2 || dims[0] != labels.length || dims[0] == 0) {
            throw new IllegalArgumentException(
                    "logits " + Arrays.toString(dims) + " must be [N, C] with N = " + labels.length + " labels, N > 0");
        }
        int n = dims[0];
        int c = dims[1];
        double[] z = logits.data();
        double[] grad = new double[z.length];
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int label = labels[i];
            if (label < 0 || label >= c) {
                throw new IllegalArgumentException("label " + label + " of row " + i + " is not in [0, " + c + ")");
            }
            int row = i * c;
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (z[row + j] > z[row + best]) {
                    best = j;
                }
            }
            if (best == label) {
                correct++;
            }
            // Shifting by the maximum keeps every exponent at most 0, so none overflows.
            double max = z[row + best];
            double sum = 0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(z[row + j] - max);
                grad[row + j] = e;
                sum += e;
            }
            loss += Math.log(sum) + max - z[row + label];
            for (int j = 0; j < c; j++) {
                grad[row + j] = (grad[row + j] / sum - (j == label ? 1 : 0)) / n;
            }
        }
        return new Result(loss / n, DTensor.of(dims, grad), correct);
    }
}
