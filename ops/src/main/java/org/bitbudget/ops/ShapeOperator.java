package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;

/**
 * ONNX Shape: the input's dimensions as a 1-D int64 tensor; from opset 15 only those from {@code start}
 * to {@code end} (negative values count from the end, both clamped to the rank). The training pass runs
 * it forward; an integer result passes no gradient back.
 */
final class ShapeOperator implements OperatorDescriptor<ShapeOperator.ShapeOf> {
    /** The range of dimensions; {@code end} is {@link Integer#MAX_VALUE} for "to the last". */
    record ShapeOf(int start, int end) implements Op {
        public String type() {
            return "Shape";
        }
    }

    @Override
    public String type() {
        return "Shape";
    }

    @Override
    public ShapeOf read(OnnxNode n) {
        if (n.opset() < 15) {
            return new ShapeOf(0, Integer.MAX_VALUE);
        }
        return new ShapeOf(n.getInt("start", 0), n.getInt("end", Integer.MAX_VALUE));
    }

    @Override
    public int minimumOpset(ShapeOf s, Node node) {
        return s.start() != 0 || s.end() != Integer.MAX_VALUE ? 15 : 1;
    }

    @Override
    public void write(ShapeOf s, Node node, AttributeWriter out) {
        if (s.start() == 0 && s.end() == Integer.MAX_VALUE) {
            return;
        }
        if (out.opset() < 15) {
            throw new IllegalArgumentException("node " + node.name() + ": Shape start/end need opset 15");
        }
        out.integer("start", s.start());
        if (s.end() != Integer.MAX_VALUE) {
            out.integer("end", s.end());
        }
    }

    static Tensor value(ShapeOf s, org.bitbudget.ir.tensor.Shape shape) {
        int rank = shape.rank();
        int start = clamp(s.start(), rank);
        int end = clamp(s.end(), rank);
        int n = Math.max(0, end - start);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = shape.dim(start + i);
        }
        return Tensor.of(DataType.INT64, org.bitbudget.ir.tensor.Shape.of(n), v);
    }

    private static int clamp(int i, int rank) {
        long a = i < 0 ? (long) i + rank : i;
        return (int) Math.max(0, Math.min(a, rank));
    }

    @Override
    public List<ValueType> outputs(ShapeOf s, ShapeInputs in) {
        Tensor v = value(s, in.shape(0));
        return List.of(new ValueType(v.type(), v.shape()));
    }

    @Override
    public Tensor valueFromShapes(ShapeOf s, List<ValueType> inputs) {
        return value(s, inputs.getFirst().shape());
    }

    @Override
    public FloatKernel floatKernel(ShapeOf s, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {value(s, in[0].shape())};
    }

    @Override
    public boolean differentiable(ShapeOf s, int i) {
        return false;
    }

    @Override
    public TrainingForward forward(ShapeOf s, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(DTensor.from(value(s, org.bitbudget.ir.tensor.Shape.of(in[0].dims()))));
    }
}
