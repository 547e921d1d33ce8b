package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;

/** ONNX Size: the input's number of elements as an int64 scalar; run forward in training, with no gradient. */
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

    @Override
    public boolean differentiable(Size s, int i) {
        return false;
    }

    @Override
    public TrainingForward forward(Size s, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(DTensor.of(new int[0], new double[] {in[0].size()}));
    }
}
