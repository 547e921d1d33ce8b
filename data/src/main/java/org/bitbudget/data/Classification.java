package org.bitbudget.data;

import org.bitbudget.ir.tensor.Tensor;

/** Top-1 predictions and accuracy from logits of shape [N, classes]. */
public final class Classification {
    private Classification() {}

    /** The class with the largest logit for each sample (the first one on ties). */
    public static int[] predictions(Tensor logits) {
        int n = logits.shape().dim(0);
        int classes = logits.shape().dim(1);
        float[] v = logits.data();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (v[i * classes + c] > v[i * classes + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** How many predictions equal their labels ({@code labels} may be longer than {@code predictions}). */
    public static int correct(int[] predictions, int[] labels, int labelOffset) {
        int correct = 0;
        for (int i = 0; i < predictions.length; i++) {
            correct += predictions[i] == labels[labelOffset + i] ? 1 : 0;
        }
        return correct;
    }

    /** Top-1 accuracy of {@code logits} against the labels of {@code data}. */
    public static double accuracy(Tensor logits, DataSource data) {
        return (double) correct(predictions(logits), data.labels(), 0) / data.size();
    }
}
