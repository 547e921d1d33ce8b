package org.bitbudget.ops.inspect;

import org.bitbudget.ir.graph.ActivationLayer;
import org.bitbudget.ir.tensor.Shape;

/**
 * An activation-only layer's sizes for one sample (batch 1).
 *
 * @param layer       the layer
 * @param leftShape   shape of its first operand
 * @param rightShape  shape of its second operand
 * @param outputShape shape of its output
 * @param macs        multiply-accumulates per sample
 */
public record ActivationLayerSummary(
        ActivationLayer layer, Shape leftShape, Shape rightShape, Shape outputShape, long macs) {
    public String name() {
        return layer.name();
    }

    /**
     * MACs of a MatMul from its shapes: every output value sums the shared dimension, the first
     * operand's last (a vector operand's only one).
     */
    public static long macs(Shape left, Shape output) {
        long k = left.rank() == 0 ? 1 : left.dim(left.rank() - 1);
        return output.size() * k;
    }
}
