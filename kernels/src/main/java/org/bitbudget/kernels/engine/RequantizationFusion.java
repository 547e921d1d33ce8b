package org.bitbudget.kernels.engine;

import java.util.List;
import org.bitbudget.kernels.requant.RequantizationThresholds;

/**
 * Folds a layer's scaling into the requantization after it: where a layer's accumulators are read by
 * one {@link Step.Requantize} alone, on thresholds, and every channel's scaling is the int32 shift
 * and bias ({@link ChannelScaling#narrow}), the layer hands over its exact sums and the thresholds
 * take the shift and bias instead ({@link RequantizationThresholds#beforeShiftAdd}), the same codes
 * with one pass over the chunk's accumulators less. At two-bit codes the passes over the accumulators,
 * not their arithmetic, are what the steps between two layers cost.
 */
final class RequantizationFusion {

    private RequantizationFusion() {}

    /**
     * Replaces, in place, each such pair of steps of {@code steps} by the unscaled layer and the
     * requantization on its sums; {@code outputSlot}, which the engine reads, is never fused.
     */
    static void fuse(List<Step> steps, int outputSlot) {
        for (int s = 0; s < steps.size(); s++) {
            if (!(steps.get(s) instanceof Step.Layer layer) || !layer.scaled() || layer.to() == outputSlot) {
                continue;
            }
            ChannelScaling scaling = layer.lowered().scaling();
            int reader = onlyReader(steps, layer.to());
            if (!scaling.narrow() || reader < 0 || !(steps.get(reader) instanceof Step.Requantize r)) {
                continue;
            }
            if (r.thresholds() == null) {
                continue;
            }
            RequantizationThresholds sums = r.thresholds().beforeShiftAdd(scaling.exponents(), scaling.bias());
            if (sums == null) {
                continue;
            }
            steps.set(s, new Step.Layer(layer.layer(), layer.from(), layer.to(), layer.lowered(), false));
            steps.set(reader, r.withThresholds(sums));
        }
    }

    /** The index of the one step that reads {@code slot}, or -1 when none or several do. */
    private static int onlyReader(List<Step> steps, int slot) {
        int found = -1;
        for (int s = 0; s < steps.size(); s++) {
            for (int read : reads(steps.get(s))) {
                if (read == slot) {
                    if (found >= 0 && found != s) {
                        return -1;
                    }
                    found = s;
                }
            }
        }
        return found;
    }

    /** The slots a step reads. */
    private static int[] reads(Step step) {
        return switch (step) {
            case Step.Quantize q -> new int[] {q.from()};
            case Step.Requantize r -> new int[] {r.from()};
            case Step.Layer l -> new int[] {l.from()};
            case Step.MaxPool p -> new int[] {p.from()};
            case Step.Flatten f -> new int[] {f.from()};
            case Step.Clamp c -> new int[] {c.from()};
            case Step.AveragePool p -> new int[] {p.from()};
            case Step.Add a -> new int[] {a.left(), a.right()};
            case Step.FloatInput _ -> new int[] {0};
            case Step.Dequantize d -> new int[] {d.from()};
            case Step.ActivationQuantize a -> new int[] {a.from()};
            case Step.QuantizeFloat q -> new int[] {q.from()};
            case Step.QuantizeNhwc q -> new int[] {q.from()};
            case Step.DequantizeHardSwish d -> new int[] {d.from()};
            case Step.FloatNode f -> f.in();
        };
    }
}
