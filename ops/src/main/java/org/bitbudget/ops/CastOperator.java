package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;

/**
 * ONNX Cast to the element type {@code to}, among those BitBudget carries; a float becomes an integer
 * by truncation and wraps to the type's width, as numpy casts.
 */
final class CastOperator implements OperatorDescriptor<CastOperator.Cast> {
    /** The target type. */
    record Cast(DataType to) implements Op {
        public String type() {
            return "Cast";
        }
    }

    @Override
    public String type() {
        return "Cast";
    }

    @Override
    public Cast read(OnnxNode n) {
        if (n.opset() < 6) {
            throw n.unsupported("Cast before opset 6", "Cast of opset " + n.opset() + " (type names) is not supported");
        }
        int code = n.getInt("to", -1);
        if (code < 0) {
            throw n.error("Cast needs a 'to' attribute");
        }
        if (n.opset() >= 19) {
            // Saturation only changes casts to float8 types, which are refused below.
            n.getInt("saturate", 1);
        }
        DataType to = DataType.fromOnnx(code);
        if (to == null) {
            throw n.unsupported("Cast to type " + code, "Cast to element type " + code + " is not supported");
        }
        return new Cast(to);
    }

    @Override
    public void write(Cast c, Node node, AttributeWriter out) {
        out.integer("to", c.to().onnxCode());
    }

    @Override
    public List<ValueType> outputs(Cast c, ShapeInputs in) {
        return List.of(new ValueType(c.to(), in.shape(0)));
    }

    @Override
    public FloatKernel floatKernel(Cast c, FloatContext ctx) {
        return (in, alloc) -> {
            float[] x = in[0].data();
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = c.to().cast(x[i]);
            }
            return new Tensor[] {Tensor.of(c.to(), in[0].shape(), y)};
        };
    }

    @Override
    public boolean differentiable(Cast c, int i) {
        return i == 0 && !c.to().isInteger();
    }

    @Override
    public TrainingForward forward(Cast c, Node node, DTensor[] in, boolean training) {
        if (!c.to().isInteger()) {
            return TrainingForward.of(in[0]);
        }
        double[] x = in[0].data();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = c.to().cast((float) x[i]);
        }
        return TrainingForward.of(DTensor.of(in[0].dims(), y));
    }

    /** A cast to a float type passes the gradient through; one to an integer type has none. */
    @Override
    public DTensor[] backward(Cast c, Gradients g) {
        return new DTensor[] {c.to().isInteger() ? null : g.dy()};
    }
}
