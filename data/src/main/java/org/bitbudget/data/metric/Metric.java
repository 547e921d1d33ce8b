package org.bitbudget.data.metric;

import org.bitbudget.ir.tensor.Tensor;

/**
 * How a config is scored: a number computed from the outputs of a (quantized) model, the float
 * model's outputs on the same samples (the reference) and, for metrics that need them, the samples'
 * labels. Outputs are batches {@code [N, ...]}; metrics over classes read each sample's values as
 * its logits. A metric knows whether more is better, so a search can maximise {@link #utility}.
 */
public interface Metric {
    /** Whether a larger score is better (accuracy, SQNR) or a smaller one (KL divergence, MSE). */
    enum Direction {
        HIGHER_IS_BETTER,
        LOWER_IS_BETTER
    }

    /** The registry name, e.g. {@code top1}. */
    String name();

    /** Which way is better. */
    Direction direction();

    /** True when the metric compares predictions with labels; false when it needs only the reference. */
    boolean needsLabels();

    /**
     * The score of {@code outputs}.
     *
     * @param outputs   the scored model's outputs, {@code [N, ...]}
     * @param reference the float model's outputs on the same samples, same shape
     * @param labels    one class per sample, or null when the data have none (only for metrics that
     *                  do not {@link #needsLabels need labels})
     * @throws IllegalArgumentException when the shapes differ or labels are missing or too few
     */
    double score(Tensor outputs, Tensor reference, int[] labels);

    /**
     * Whether the score is a share of samples, 0…1, larger is better (top-1, top-5, agreement): the
     * scores an accuracy target (a drop in percentage points, a floor) can apply to.
     */
    default boolean share() {
        return false;
    }

    /** {@code score} turned so that larger is better: what a search maximises. */
    default double utility(double score) {
        return direction() == Direction.HIGHER_IS_BETTER ? score : -score;
    }

    /**
     * How much worse {@code outputs} are than {@code reference} by this metric (0 for the reference
     * itself, larger for more damage): the score of the {@code measured} sensitivity estimator, which
     * sums it over layers. By default the drop of {@link #utility} from the reference's own score.
     */
    default double damage(Tensor outputs, Tensor reference, int[] labels) {
        return utility(score(reference, reference, labels)) - utility(score(outputs, reference, labels));
    }
}
