package org.bitbudget.data.metric;

import org.bitbudget.ir.tensor.Tensor;

/** {@code mse}: the mean squared difference between the scored and the float model's outputs, over every value. */
public final class MseMetric implements Metric {
    public static final String NAME = "mse";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Direction direction() {
        return Direction.LOWER_IS_BETTER;
    }

    @Override
    public boolean needsLabels() {
        return false;
    }

    @Override
    public double score(Tensor outputs, Tensor reference, int[] labels) {
        Outputs.of(outputs, reference, labels, false, NAME);
        float[] y = outputs.data();
        float[] r = reference.data();
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            double d = (double) y[i] - r[i];
            sum += d * d;
        }
        return sum / y.length;
    }
}
