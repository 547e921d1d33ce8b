package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX ScatterElements (opsets 11 to 18) and its deprecated predecessor Scatter (opsets 9 and 10), one
 * descriptor per kind: a copy of the data in which each update is written (or, from opset 16, combined
 * by {@code reduction}) at the update's own position with the coordinate on {@code axis} replaced by
 * the index there. The inverse of GatherElements.
 */
final class ScatterElementsOperator implements OperatorDescriptor<ScatterElementsOperator.ScatterElements> {
    /** How an update combines with the value it lands on (ScatterElements and ScatterND). */
    enum Reduction {
        NONE,
        ADD,
        MUL,
        MAX,
        MIN;

        /** The reduction named by attribute {@code reduction} of {@code n} ("none" by default). */
        static Reduction read(OnnxNode n) {
            String r = n.getString("reduction", "none");
            for (Reduction candidate : values()) {
                if (candidate.name().toLowerCase(Locale.ROOT).equals(r)) {
                    return candidate;
                }
            }
            throw n.error("reduction '" + r + "' is none of none, add, mul, max, min");
        }

        /** What the output holds after {@code update} lands on {@code old}. */
        float apply(float old, float update) {
            return switch (this) {
                case NONE -> update;
                case ADD -> old + update;
                case MUL -> old * update;
                case MAX -> Math.max(old, update);
                case MIN -> Math.min(old, update);
            };
        }

        /** Checks that {@code node} has an opset-13 form, the exporter's, where updates only replace. */
        void checkExportable(Node node) {
            if (this != NONE) {
                throw new IllegalArgumentException("node " + node.name() + ": reduction "
                        + name().toLowerCase(Locale.ROOT) + " has no opset-13 form");
            }
        }
    }

    /** The checked attributes; {@code type} is Scatter or ScatterElements. */
    record ScatterElements(String type, int axis, Reduction reduction) implements Op {}

    private final String type;

    /** @param legacy whether this is the deprecated Scatter */
    ScatterElementsOperator(boolean legacy) {
        this.type = legacy ? "Scatter" : "ScatterElements";
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public ScatterElements read(OnnxNode n) {
        return new ScatterElements(type, n.getInt("axis", 0), Reduction.read(n));
    }

    @Override
    public Arity arity(ScatterElements op) {
        return Arity.exactly(3);
    }

    @Override
    public void write(ScatterElements op, Node node, AttributeWriter out) {
        if (op.type().equals("Scatter")) {
            throw new IllegalArgumentException(
                    "node " + node.name() + ": Scatter has no opset-13 form (ScatterElements replaced it)");
        }
        op.reduction().checkExportable(node);
        out.integer("axis", op.axis());
    }

    private static int check(ScatterElements op, int[] dims, int[] indexDims, int[] updateDims) {
        if (!Arrays.equals(indexDims, updateDims)) {
            throw new IllegalArgumentException("the indices and the updates differ in shape");
        }
        return GatherElementsOperator.check(op.axis(), dims, indexDims);
    }

    @Override
    public List<ValueType> outputs(ScatterElements op, ShapeInputs in) {
        check(op, in.shape(0).dims(), in.shape(1).dims(), in.shape(2).dims());
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(ScatterElements op, FloatContext ctx) {
        return (in, alloc) -> {
            int[] dims = in[0].shape().dims();
            int[] indexDims = in[1].shape().dims();
            int axis = check(op, dims, indexDims, in[2].shape().dims());
            int[] map = GatherElementsOperator.offsets(axis, dims, indexDims, in[1].longs());
            float[] y = in[0].data().clone();
            float[] updates = in[2].data();
            for (int i = 0; i < map.length; i++) {
                y[map[i]] = op.reduction().apply(y[map[i]], updates[i]);
            }
            return new Tensor[] {Tensor.of(in[0].type(), in[0].shape(), y)};
        };
    }
}
