package org.bitbudget.data.metric;

import org.bitbudget.ir.tensor.Tensor;

/**
 * {@code agreement}: the fraction of samples whose largest output is the float model's largest (top-1
 * agreement; the first largest on ties, on both sides). Needs no labels.
 */
public final class AgreementMetric implements Metric {
    public static final String NAME = "agreement";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Direction direction() {
        return Direction.HIGHER_IS_BETTER;
    }

    @Override
    public boolean share() {
        return true;
    }

    @Override
    public boolean needsLabels() {
        return false;
    }

    @Override
    public double score(Tensor outputs, Tensor reference, int[] labels) {
        Outputs o = Outputs.of(outputs, reference, labels, false, NAME);
        int same = 0;
        for (int i = 0; i < o.n(); i++) {
            same += o.argmax(outputs.data(), i) == o.argmax(reference.data(), i) ? 1 : 0;
        }
        return (double) same / o.n();
    }
}
