package org.bitbudget.ops;

import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pooling;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PoolOps;

/** ONNX GlobalAveragePool: the mean of every plane, keeping the spatial axes as size 1. */
final class GlobalAveragePoolOperator implements OperatorDescriptor<Op.GlobalAveragePool> {
    private static final Op.GlobalAveragePool OP = new Op.GlobalAveragePool();

    @Override
    public String type() {
        return "GlobalAveragePool";
    }

    @Override
    public Op.GlobalAveragePool read(OnnxNode n) {
        return OP;
    }

    @Override
    public List<ValueType> outputs(Op.GlobalAveragePool op, ShapeInputs in) {
        Shape xs = in.shape(0);
        if (xs.rank() < 3) {
            throw new IllegalArgumentException("input " + xs + " has no spatial axes");
        }
        int[] dims = xs.dims();
        for (int i = 2; i < dims.length; i++) {
            dims[i] = 1;
        }
        return List.of(ValueType.floats(Shape.of(dims)));
    }

    @Override
    public FloatKernel floatKernel(Op.GlobalAveragePool op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Pooling.globalAverage(in[0])};
    }

    @Override
    public TrainingForward forward(Op.GlobalAveragePool op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(PoolOps.globalAverage(in[0]));
    }

    @Override
    public DTensor[] backward(Op.GlobalAveragePool op, Gradients g) {
        return new DTensor[] {PoolOps.globalAverageBackward(g.in()[0], g.dy())};
    }

    @Override
    public IntegerLowering integerLowering(Op.GlobalAveragePool op, Node node, Map<String, Tensor> constants) {
        return new IntegerLowering.AveragePool(null);
    }
}
