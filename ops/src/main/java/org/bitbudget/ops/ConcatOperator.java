package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Layout;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LayoutOps;

/** ONNX Concat along {@code axis} (required from opset 4, 1 before). */
final class ConcatOperator implements OperatorDescriptor<Op.Concat> {
    @Override
    public String type() {
        return "Concat";
    }

    @Override
    public Op.Concat read(OnnxNode n) {
        int axis = n.getInt("axis", n.opset() < 4 ? 1 : Integer.MIN_VALUE);
        if (axis == Integer.MIN_VALUE) {
            throw n.error("Concat needs an 'axis' attribute");
        }
        return new Op.Concat(axis);
    }

    @Override
    public Arity arity(Op.Concat op) {
        return Arity.atLeast(1);
    }

    @Override
    public void write(Op.Concat c, Node node, AttributeWriter out) {
        out.integer("axis", c.axis());
    }

    @Override
    public List<ValueType> outputs(Op.Concat c, ShapeInputs in) {
        Shape[] parts = new Shape[in.count()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = in.shape(i);
        }
        return List.of(in.type(0).withShape(Layout.concatenated(c, parts)));
    }

    @Override
    public FloatKernel floatKernel(Op.Concat c, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Layout.concat(c, in)};
    }

    @Override
    public boolean differentiable(Op.Concat op, int i) {
        return true;
    }

    @Override
    public TrainingForward forward(Op.Concat c, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(LayoutOps.concat(c, in));
    }

    @Override
    public DTensor[] backward(Op.Concat c, Gradients g) {
        return LayoutOps.concatBackward(c, g.in(), g.dy(), g.need());
    }
}
