package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Broadcast;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pointwise;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PointwiseOps;

/**
 * ONNX PRelu, {@code x < 0 ? slope · x : x}, with the slope broadcast to X as numpy does (a
 * per-channel slope is exported as [C, 1, 1]); the result has X's shape. Trainable in X and in the
 * slope, whose gradient is summed over the axes it was broadcast along. Before opset 7 a 1-D slope
 * of X's channel count is per channel (axis 1), as PRelu-6 defines it; that form has no opset-13
 * export. Opset 1's {@code consumed_inputs} is read and ignored.
 */
final class PReluOperator implements OperatorDescriptor<PReluOperator.PRelu> {
    /**
     * ONNX PRelu.
     *
     * @param perChannel before opset 7, with a slope that is not a single value: a 1-D slope of X's
     *     channel count applies along axis 1
     */
    record PRelu(boolean perChannel) implements Op {
        @Override
        public String type() {
            return "PRelu";
        }
    }

    @Override
    public String type() {
        return "PRelu";
    }

    @Override
    public PRelu read(OnnxNode n) {
        n.getInts("consumed_inputs", null);
        Tensor slope = n.constant(1);
        return new PRelu(n.opset() < 7 && (slope == null || slope.shape().size() > 1));
    }

    @Override
    public void write(PRelu op, Node node, AttributeWriter out) {
        if (op.perChannel()) {
            throw new IllegalArgumentException(
                    "node " + node.name() + ": an opset-6 per-channel slope has no opset-13 form");
        }
    }

    /** The slope's dimensions as they broadcast: a per-channel slope gets trailing ones. */
    private static int[] slopeDims(PRelu op, int[] x, int[] slope) {
        if (op.perChannel() && x.length >= 2 && slope.length == 1 && slope[0] == x[1]) {
            int[] aligned = new int[x.length - 1];
            Arrays.fill(aligned, 1);
            aligned[0] = slope[0];
            return aligned;
        }
        return slope;
    }

    @Override
    public Arity arity(PRelu op) {
        return Arity.exactly(2);
    }

    @Override
    public List<ValueType> outputs(PRelu op, ShapeInputs in) {
        int[] x = in.shape(0).dims();
        checkSlope(x, slopeDims(op, x, in.shape(1).dims()));
        return List.of(in.type(0));
    }

    /** The slope must broadcast to X without growing it (unidirectional broadcasting). */
    private static void checkSlope(int[] x, int[] slope) {
        if (!Arrays.equals(Broadcast.shape(x, slope), x)) {
            throw new IllegalArgumentException(
                    "slope " + Arrays.toString(slope) + " does not broadcast to X " + Arrays.toString(x));
        }
    }

    private static double prelu(double x, double slope) {
        return x < 0 ? slope * x : x;
    }

    @Override
    public FloatKernel floatKernel(PRelu op, FloatContext ctx) {
        return (in, alloc) -> {
            int[] x = in[0].shape().dims();
            int[] s = slopeDims(op, x, in[1].shape().dims());
            checkSlope(x, s);
            Tensor slope = in[1].reshape(Shape.of(s));
            return new Tensor[] {Pointwise.binary(in[0], slope, in[0].type(), PReluOperator::prelu)};
        };
    }

    @Override
    public boolean differentiable(PRelu op, int i) {
        return i <= 1;
    }

    @Override
    public TrainingForward forward(PRelu op, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(PointwiseOps.binary(in[0], alignedSlope(op, in[0], in[1]), PReluOperator::prelu));
    }

    @Override
    public DTensor[] backward(PRelu op, Gradients g) {
        DTensor slope = g.in()[1];
        DTensor[] d = PointwiseOps.binaryBackward(
                g.in()[0],
                alignedSlope(op, g.in()[0], slope),
                g.y(),
                g.dy(),
                g.needs(0) ? (x, s, y) -> x < 0 ? s : 1 : null,
                g.needs(1) ? (x, s, y) -> x < 0 ? x : 0 : null);
        if (d[1] != null) {
            d[1] = DTensor.of(slope.dims(), d[1].data());
        }
        return d;
    }

    /** The slope with its broadcast dimensions (the same values), after checking that it fits X. */
    private static DTensor alignedSlope(PRelu op, DTensor x, DTensor slope) {
        int[] s = slopeDims(op, x.dims(), slope.dims());
        checkSlope(x.dims(), s);
        return s == slope.dims() ? slope : DTensor.of(s, slope.data());
    }
}
