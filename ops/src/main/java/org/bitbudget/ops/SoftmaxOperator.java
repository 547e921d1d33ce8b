package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.NormalizationOps;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.NormOps;

/**
 * ONNX Softmax and LogSoftmax, one descriptor per kind: before opset 13 over the input flattened to
 * 2-D at {@code axis} (default 1), from 13 along the one axis (default -1).
 */
final class SoftmaxOperator implements OperatorDescriptor<Op.Softmax> {
    private final boolean log;

    SoftmaxOperator(boolean log) {
        this.log = log;
    }

    @Override
    public String type() {
        return new Op.Softmax(-1, false, log).type();
    }

    @Override
    public Op.Softmax read(OnnxNode n) {
        return new Op.Softmax(n.getInt("axis", n.opset() < 13 ? 1 : -1), n.opset() < 13, log);
    }

    @Override
    public void write(Op.Softmax s, Node node, AttributeWriter out) {
        if (s.coerce2d()) {
            throw new IllegalArgumentException("node " + node.name() + ": opset-13 " + s.type() + " has no 2-D form");
        }
        out.integer("axis", s.axis());
    }

    @Override
    public List<ValueType> outputs(Op.Softmax s, ShapeInputs in) {
        Shape xs = in.shape(0);
        int axis = s.axis() < 0 ? s.axis() + xs.rank() : s.axis();
        if (axis < 0 || axis >= Math.max(xs.rank(), 1)) {
            throw new IllegalArgumentException("axis " + s.axis() + " is out of range for " + xs);
        }
        return List.of(ValueType.floats(xs));
    }

    @Override
    public FloatKernel floatKernel(Op.Softmax s, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {NormalizationOps.softmax(s, in[0])};
    }

    @Override
    public TrainingForward forward(Op.Softmax s, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(NormOps.softmax(s, in[0]));
    }

    @Override
    public DTensor[] backward(Op.Softmax s, Gradients g) {
        return new DTensor[] {NormOps.softmaxBackward(s, g.y(), g.dy())};
    }
}
