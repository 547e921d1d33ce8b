package org.bitbudget.data.metric;

/** Log-softmax of one sample's logits, in double and shifted by the maximum so no exponent overflows. */
final class Softmax {
    private Softmax() {}

    /** {@code log softmax} of {@code logits[i * classes, (i + 1) * classes)}. */
    static double[] logProbabilities(float[] logits, int i, int classes) {
        int row = i * classes;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[row + c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(logits[row + c] - max);
        }
        double log = Math.log(sum) + max;
        double[] out = new double[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = logits[row + c] - log;
        }
        return out;
    }
}
