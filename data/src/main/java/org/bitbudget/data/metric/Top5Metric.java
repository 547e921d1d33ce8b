package org.bitbudget.data.metric;

import org.bitbudget.ir.tensor.Tensor;

/**
 * {@code top5}: the fraction of samples whose label is among their five largest outputs — fewer than
 * five other outputs strictly larger than the label's (so ties count in the label's favour; with five
 * classes or fewer every sample counts).
 */
public final class Top5Metric implements Metric {
    public static final String NAME = "top5";
    private static final int K = 5;

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
        return true;
    }

    @Override
    public double score(Tensor outputs, Tensor reference, int[] labels) {
        Outputs o = Outputs.of(outputs, reference, labels, true, NAME);
        float[] v = outputs.data();
        int hits = 0;
        for (int i = 0; i < o.n(); i++) {
            int row = i * o.classes();
            float mine = v[row + labels[i]];
            int above = 0;
            for (int c = 0; c < o.classes(); c++) {
                above += v[row + c] > mine ? 1 : 0;
            }
            hits += above < K ? 1 : 0;
        }
        return (double) hits / o.n();
    }
}
