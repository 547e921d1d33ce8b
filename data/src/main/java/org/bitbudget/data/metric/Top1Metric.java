package org.bitbudget.data.metric;

import org.bitbudget.ir.tensor.Tensor;

/**
 * {@code top1}: the fraction of samples whose largest output is their label (the first largest on
 * ties). Its sensitivity damage is the rise of the mean softmax cross-entropy over the reference's,
 * top-1's smooth surrogate, so that layers that change few predictions on the calibration samples
 * still rank.
 */
public final class Top1Metric implements Metric {
    public static final String NAME = "top1";

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
        int correct = 0;
        for (int i = 0; i < o.n(); i++) {
            correct += o.argmax(outputs.data(), i) == labels[i] ? 1 : 0;
        }
        return (double) correct / o.n();
    }

    @Override
    public double damage(Tensor outputs, Tensor reference, int[] labels) {
        Outputs o = Outputs.of(outputs, reference, labels, true, NAME);
        return crossEntropy(outputs.data(), o, labels) - crossEntropy(reference.data(), o, labels);
    }

    /** Mean softmax cross-entropy of the labels. */
    private static double crossEntropy(float[] logits, Outputs o, int[] labels) {
        double loss = 0;
        for (int i = 0; i < o.n(); i++) {
            loss -= Softmax.logProbabilities(logits, i, o.classes())[labels[i]];
        }
        return loss / o.n();
    }
}
