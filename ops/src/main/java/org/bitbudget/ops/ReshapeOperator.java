package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Layout;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LayoutOps;

/**
 * ONNX Reshape to the shape in input 1 (before opset 5: the {@code shape} attribute); 0 copies the
 * input's dimension unless {@code allowzero}, -1 is inferred. The shape rule needs the target's value.
 */
final class ReshapeOperator implements OperatorDescriptor<Op.Reshape> {
    @Override
    public String type() {
        return "Reshape";
    }

    @Override
    public Op.Reshape read(OnnxNode n) {
        return new Op.Reshape(n.getInt("allowzero", 0) != 0, n.opset() < 5 ? n.getLongs("shape", null) : null);
    }

    @Override
    public Arity arity(Op.Reshape r) {
        return Arity.exactly(r.shapeAttribute() != null ? 1 : 2);
    }

    @Override
    public void write(Op.Reshape r, Node node, AttributeWriter out) {
        if (r.shapeAttribute() != null || r.allowZero()) {
            throw new IllegalArgumentException("node " + node.name() + ": this Reshape has no opset-13 form");
        }
    }

    @Override
    public List<ValueType> outputs(Op.Reshape r, ShapeInputs in) {
        long[] target = r.shapeAttribute();
        if (target == null) {
            Tensor shape = in.value(1);
            if (shape == null) {
                throw new IllegalArgumentException("the target shape '"
                        + in.node().input(1) + "' is computed at run time; shape inference needs it constant");
            }
            target = shape.longs();
        }
        return List.of(in.type(0).withShape(Layout.reshaped(r, in.shape(0), target)));
    }

    @Override
    public FloatKernel floatKernel(Op.Reshape r, FloatContext ctx) {
        return (in, alloc) ->
                new Tensor[] {Layout.reshape(r, in[0], r.shapeAttribute() != null ? r.shapeAttribute() : in[1].longs())
                };
    }

    @Override
    public boolean sharesInputArray(Op.Reshape op) {
        return true;
    }

    @Override
    public TrainingForward forward(Op.Reshape r, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(
                LayoutOps.reshape(r, in[0], r.shapeAttribute() != null ? r.shapeAttribute() : LayoutOps.longs(in[1])));
    }

    @Override
    public DTensor[] backward(Op.Reshape r, Gradients g) {
        return new DTensor[] {g.dy().reshape(g.in()[0].shape())};
    }
}
