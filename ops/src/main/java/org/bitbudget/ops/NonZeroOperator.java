package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX NonZero (opsets 9 and 13): the coordinates of the non-zero entries in row-major order, as an
 * int64 tensor of shape {@code [rank, count]}. Its shape depends on the input's values, so shape
 * inference knows it only when that input is known before running.
 */
final class NonZeroOperator implements OperatorDescriptor<NonZeroOperator.NonZero> {
    /** NonZero has no attributes. */
    record NonZero() implements Op {
        public String type() {
            return "NonZero";
        }
    }

    @Override
    public String type() {
        return "NonZero";
    }

    @Override
    public NonZero read(OnnxNode n) {
        return new NonZero();
    }

    private static Tensor nonZero(Tensor x) {
        int[] dims = x.shape().dims();
        float[] data = x.data();
        int count = 0;
        for (float v : data) {
            if (v != 0) {
                count++;
            }
        }
        float[] y = new float[dims.length * count];
        int[] coord = new int[dims.length];
        for (int i = 0, found = 0; i < data.length; i++) {
            if (data[i] != 0) {
                for (int d = 0; d < dims.length; d++) {
                    y[d * count + found] = coord[d];
                }
                found++;
            }
            for (int d = dims.length - 1; d >= 0 && ++coord[d] == dims[d]; d--) {
                coord[d] = 0;
            }
        }
        return Tensor.of(DataType.INT64, Shape.of(dims.length, count), y);
    }

    @Override
    public List<ValueType> outputs(NonZero op, ShapeInputs in) {
        Tensor x = in.value(0);
        if (x == null) {
            throw new IllegalArgumentException("the shape of NonZero's output depends on the values of '"
                    + in.node().input(0) + "', which are computed at run time");
        }
        return List.of(new ValueType(DataType.INT64, nonZero(x).shape()));
    }

    @Override
    public FloatKernel floatKernel(NonZero op, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {nonZero(in[0])};
    }
}
