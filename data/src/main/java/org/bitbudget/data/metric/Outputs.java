package org.bitbudget.data.metric;

import org.bitbudget.ir.tensor.Tensor;

/** The checked layout shared by the metrics: {@code n} samples of {@code classes} values each. */
record Outputs(int n, int classes) {
    /** The layout of {@code outputs}, checked against {@code reference} and, when given, the labels. */
    static Outputs of(Tensor outputs, Tensor reference, int[] labels, boolean needsLabels, String metric) {
        if (!outputs.shape().equals(reference.shape())) {
            throw new IllegalArgumentException(
                    metric + ": outputs " + outputs.shape() + " and reference " + reference.shape() + " differ");
        }
        if (outputs.shape().rank() < 1 || outputs.shape().dim(0) == 0) {
            throw new IllegalArgumentException(metric + ": no samples in outputs " + outputs.shape());
        }
        int n = outputs.shape().dim(0);
        if (needsLabels && labels == null) {
            throw new IllegalArgumentException(metric + " needs labels and the data have none");
        }
        if (labels != null && labels.length < n) {
            throw new IllegalArgumentException(metric + ": " + labels.length + " labels for " + n + " samples");
        }
        return new Outputs(n, outputs.data().length / n);
    }

    /** The index of the largest of sample {@code i}'s values (the first one on ties, as {@code eval} counts). */
    int argmax(float[] values, int i) {
        int row = i * classes;
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (values[row + c] > values[row + best]) {
                best = c;
            }
        }
        return best;
    }
}
