package org.bitbudget.ops;

import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Layout;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LayoutOps;

/** ONNX Flatten: axes before {@code axis} become rows, the rest columns; the values are not moved. */
final class FlattenOperator implements OperatorDescriptor<Op.Flatten> {
    @Override
    public String type() {
        return "Flatten";
    }

    @Override
    public Op.Flatten read(OnnxNode n) {
        return new Op.Flatten(n.getInt("axis", 1));
    }

    @Override
    public void write(Op.Flatten f, Node node, AttributeWriter out) {
        out.integer("axis", f.axis());
    }

    @Override
    public List<ValueType> outputs(Op.Flatten f, ShapeInputs in) {
        return List.of(in.type(0).withShape(Layout.flattened(f, in.shape(0))));
    }

    @Override
    public FloatKernel floatKernel(Op.Flatten f, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Layout.flatten(f, in[0])};
    }

    @Override
    public boolean sharesInputArray(Op.Flatten op) {
        return true;
    }

    @Override
    public TrainingForward forward(Op.Flatten f, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(LayoutOps.flatten(f, in[0]));
    }

    @Override
    public DTensor[] backward(Op.Flatten f, Gradients g) {
        return new DTensor[] {g.dy().reshape(g.in()[0].shape())};
    }

    @Override
    public IntegerLowering integerLowering(Op.Flatten f, Node node, Map<String, Tensor> constants) {
        return new IntegerLowering.Flatten(f.axis());
    }
}
