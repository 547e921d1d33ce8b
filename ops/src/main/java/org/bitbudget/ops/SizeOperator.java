package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/** ONNX Size: the input's number of elements as an int64 scalar. */
final class SizeOperator implements OperatorDescriptor<SizeOperator.Size> {
    /** No attributes. */
    record Size() implements Op {
        public String type() {
            return "Size";
        }
    }

    @Override
    public String type() {
        return "Size";
    }

    @Override
    public Size read(OnnxNode n) {
        return new Size();
    }

    @Override
    public List<ValueType> outputs(Size s, ShapeInputs in) {
        return List.of(new ValueType(DataType.INT64, Shape.of(new int[0])));
    }

    @Override
    public Tensor valueFromShapes(Size s, List<ValueType> inputs) {
        return Tensor.of(DataType.INT64, Shape.of(new int[0]), new float[] {
            inputs.getFirst().shape().size()
        });
    }

    @Override
    public FloatKernel floatKernel(Size s, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {
            Tensor.of(DataType.INT64, Shape.of(new int[0]), new float[] {
                in[0].shape().size()
            })
        };
    }
}
