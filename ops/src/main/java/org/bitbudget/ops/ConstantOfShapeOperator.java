package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;

/**
 * ONNX ConstantOfShape: a tensor of the shape in input 0 filled with the one-element {@code value}
 * attribute (default: float 0), of that value's type. The training pass runs it forward; the shape
 * input passes no gradient back.
 */
final class ConstantOfShapeOperator implements OperatorDescriptor<ConstantOfShapeOperator.ConstantOfShape> {
    /** The fill value and its type. */
    record ConstantOfShape(DataType dataType, float value) implements Op {
        public String type() {
            return "ConstantOfShape";
        }
    }

    @Override
    public String type() {
        return "ConstantOfShape";
    }

    @Override
    public ConstantOfShape read(OnnxNode n) {
        Tensor v = n.getTensor("value");
        if (v == null) {
            return new ConstantOfShape(DataType.FLOAT, 0f);
        }
        if (v.data().length != 1) {
            throw n.error("ConstantOfShape's value must have one element, got " + v.shape());
        }
        return new ConstantOfShape(v.type(), v.data()[0]);
    }

    @Override
    public void write(ConstantOfShape c, Node node, AttributeWriter out) {
        if (c.dataType() != DataType.FLOAT || c.value() != 0f) {
            throw new IllegalArgumentException(
                    "node " + node.name() + ": a ConstantOfShape other than float zeros cannot be exported");
        }
    }

    static Shape shape(long[] dims) {
        try {
            return Shape.of(dims);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid ConstantOfShape shape " + Arrays.toString(dims), e);
        }
    }

    @Override
    public List<ValueType> outputs(ConstantOfShape c, ShapeInputs in) {
        return List.of(new ValueType(c.dataType(), shape(ShapeValues.required(in, 0, "shape"))));
    }

    @Override
    public FloatKernel floatKernel(ConstantOfShape c, FloatContext ctx) {
        return (in, alloc) -> {
            Shape shape = shape(in[0].longs());
            float[] y = new float[shape.size()];
            Arrays.fill(y, c.value());
            return new Tensor[] {Tensor.of(c.dataType(), shape, y)};
        };
    }

    @Override
    public boolean differentiable(ConstantOfShape c, int i) {
        return false;
    }

    @Override
    public TrainingForward forward(ConstantOfShape c, Node node, DTensor[] in, boolean training) {
        double[] dims = in[0].data();
        long[] longs = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            longs[i] = (long) dims[i];
        }
        Shape shape = shape(longs);
        double[] y = new double[shape.size()];
        Arrays.fill(y, c.value());
        return TrainingForward.of(DTensor.of(shape.dims(), y));
    }
}
