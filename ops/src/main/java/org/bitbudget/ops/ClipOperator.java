package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.ElementwiseOps;

/**
 * ONNX Clip: bounds as attributes before opset 11, as optional scalar inputs 1 and 2 from 11. With
 * constant bounds it is fused into a preceding Conv or Gemm and is a clamp in the integer engine.
 */
final class ClipOperator implements OperatorDescriptor<Op.Clip> {
    @Override
    public String type() {
        return "Clip";
    }

    @Override
    public Op.Clip read(OnnxNode n) {
        return n.opset() < 11
                ? new Op.Clip(n.getFloat("min", -Float.MAX_VALUE), n.getFloat("max", Float.MAX_VALUE))
                : new Op.Clip(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    @Override
    public Arity arity(Op.Clip op) {
        return Arity.between(1, 3);
    }

    @Override
    public void write(Op.Clip c, Node node, AttributeWriter out) {
        // Bounds read from opset-9 attributes become the constant inputs opset 11 introduced.
        if (c.min() != Float.NEGATIVE_INFINITY || c.max() != Float.POSITIVE_INFINITY) {
            if (node.inputs().size() > 1) {
                throw new IllegalArgumentException(
                        "node " + node.name() + ": Clip has both attribute bounds and bound inputs");
            }
            out.constantInput(1, Tensor.of(org.bitbudget.ir.tensor.Shape.of(), new float[] {c.min()}));
            out.constantInput(2, Tensor.of(org.bitbudget.ir.tensor.Shape.of(), new float[] {c.max()}));
        }
    }

    @Override
    public List<ValueType> outputs(Op.Clip op, ShapeInputs in) {
        for (int i = 1; i <= 2; i++) {
            if (in.present(i) && in.shape(i).size() != 1) {
                throw new IllegalArgumentException("Clip bound " + in.shape(i) + " must be a scalar");
            }
        }
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(Op.Clip c, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Elementwise.clip(in[0], bound(in, 1, c.min()), bound(in, 2, c.max()))};
    }

    private static float bound(Tensor[] in, int i, float fallback) {
        Tensor t = i < in.length ? in[i] : null;
        if (t == null) {
            return fallback;
        }
        if (t.shape().size() != 1) {
            throw new IllegalArgumentException("Clip bound " + t.shape() + " must be a scalar");
        }
        return t.data()[0];
    }

    /** Fused only when both bounds are absent or scalar initializers, so they are known when compiling. */
    @Override
    public Activation asActivation(Op.Clip c, Node node, Map<String, Tensor> constants) {
        if (!constantScalar(node.input(1), constants) || !constantScalar(node.input(2), constants)) {
            return null;
        }
        Tensor[] bounds = node.inputs().stream().map(constants::get).toArray(Tensor[]::new);
        return new Activation.Clip(bound(bounds, 1, c.min()), bound(bounds, 2, c.max()));
    }

    private static boolean constantScalar(String input, Map<String, Tensor> constants) {
        Tensor t = constants.get(input);
        return input.isEmpty() || t != null && t.shape().size() == 1;
    }

    @Override
    public TrainingForward forward(Op.Clip c, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(ElementwiseOps.clip(in[0], bound(in, 1, c.min()), bound(in, 2, c.max())));
    }

    @Override
    public DTensor[] backward(Op.Clip c, Gradients g) {
        return new DTensor[] {
            ElementwiseOps.clipBackward(g.in()[0], bound(g.in(), 1, c.min()), bound(g.in(), 2, c.max()), g.dy())
        };
    }

    private static double bound(DTensor[] in, int i, float fallback) {
        DTensor t = i < in.length ? in[i] : null;
        if (t == null) {
            return fallback;
        }
        if (t.size() != 1) {
            throw new IllegalArgumentException("Clip bound " + Arrays.toString(t.shape()) + " must be a scalar");
        }
        return t.data()[0];
    }

    /** A clamp to the bounds, which must be constant scalars (or the attributes). */
    @Override
    public IntegerLowering integerLowering(Op.Clip c, Node node, Map<String, Tensor> constants) {
        return new IntegerLowering.Clamp(
                constantBound(node, 1, c.min(), constants), constantBound(node, 2, c.max(), constants));
    }

    private static double constantBound(Node node, int index, float attribute, Map<String, Tensor> constants) {
        String name = node.input(index);
        if (name.isEmpty()) {
            return attribute;
        }
        Tensor t = constants.get(name);
        if (t == null || t.shape().size() != 1) {
            throw new IllegalArgumentException("node " + node.name() + ": Clip bounds must be constant scalars");
        }
        return t.data()[0];
    }
}
