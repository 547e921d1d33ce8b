package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.TransposedConvolution;
import org.bitbudget.ops.gradients.DTensor;

/**
 * ONNX ConvTranspose over any number of spatial axes: groups, strides, pads, dilations,
 * output_padding, output_shape and auto_pad. The weight is [C, M/group, k...]. Trainable with
 * respect to the input, the weight and the bias; the integer engine runs it in float.
 */
final class ConvTransposeOperator implements OperatorDescriptor<ConvTransposeOperator.ConvTranspose> {
    /**
     * The checked attributes; null arrays take their defaults from the weight (kernel) or are all 1
     * (strides, dilations) or all 0 (pads, output_padding).
     *
     * @param outputShape the requested spatial output size, or null
     */
    record ConvTranspose(
            int[] kernel,
            int[] strides,
            int[] pads,
            int[] dilations,
            int[] outputPadding,
            int[] outputShape,
            int group,
            Op.AutoPad autoPad)
            implements Op {
        public String type() {
            return "ConvTranspose";
        }

        @Override
        public int weightInput() {
            return 1;
        }

        @Override
        public int biasInput() {
            return 2;
        }

        /**
         * Axis 1 of [C, M/group, k...]. With groups, each of its M/group scales covers the channel of
         * that index in every group: coarser than per output channel, never wrong.
         */
        @Override
        public int outputChannelAxis() {
            return 1;
        }

        @Override
        public String toString() {
            return "ConvTranspose(kernel=" + Arrays.toString(kernel) + ", strides=" + Arrays.toString(strides)
                    + ", pads=" + Arrays.toString(pads) + ", dilations=" + Arrays.toString(dilations)
                    + ", outputPadding=" + Arrays.toString(outputPadding) + ", outputShape="
                    + Arrays.toString(outputShape) + ", group=" + group + ", autoPad=" + autoPad + ")";
        }
    }

    @Override
    public String type() {
        return "ConvTranspose";
    }

    @Override
    public ConvTranspose read(OnnxNode n) {
        int[] kernel = n.getInts("kernel_shape", null);
        int[] strides = n.getInts("strides", null);
        int[] dilations = n.getInts("dilations", null);
        int[] pads = n.getInts("pads", null);
        SpatialAttributes.check(n, kernel, strides, dilations, pads);
        int group = n.getInt("group", 1);
        if (group < 1) {
            throw n.error("group must be at least 1, got " + group);
        }
        int[] outputPadding = n.getInts("output_padding", null);
        if (outputPadding != null && Arrays.stream(outputPadding).anyMatch(p -> p < 0)) {
            throw n.error("output_padding must not be negative: " + Arrays.toString(outputPadding));
        }
        return new ConvTranspose(
                kernel,
                strides,
                pads,
                dilations,
                outputPadding,
                n.getInts("output_shape", null),
                group,
                SpatialAttributes.autoPad(n));
    }

    @Override
    public Arity arity(ConvTranspose op) {
        return Arity.between(2, 3);
    }

    @Override
    public void write(ConvTranspose c, Node node, AttributeWriter out) {
        if (c.kernel() != null) {
            out.ints("kernel_shape", c.kernel());
        }
        if (c.strides() != null) {
            out.ints("strides", c.strides());
        }
        if (c.pads() != null) {
            out.ints("pads", c.pads());
        }
        if (c.dilations() != null) {
            out.ints("dilations", c.dilations());
        }
        if (c.outputPadding() != null) {
            out.ints("output_padding", c.outputPadding());
        }
        if (c.outputShape() != null) {
            out.ints("output_shape", c.outputShape());
        }
        out.integer("group", c.group());
        if (c.autoPad() != Op.AutoPad.NOTSET) {
            out.text("auto_pad", c.autoPad().name());
        }
    }

    @Override
    public List<ValueType> outputs(ConvTranspose op, ShapeInputs in) {
        boolean bias = in.present(2);
        TransposedConvolution.Geometry g = geometry(
                op, in.shape(0).dims(), in.shape(1).dims(), bias ? in.shape(2).size() : -1);
        return List.of(in.type(0).withShape(Shape.of(shape(g))));
    }

    /** The resolved window; {@code biasSize} is -1 without a bias. */
    static TransposedConvolution.Geometry geometry(ConvTranspose op, int[] xs, int[] ws, int biasSize) {
        int rank = xs.length - 2;
        if (rank < 1 || ws.length != xs.length) {
            throw new IllegalArgumentException("input " + Arrays.toString(xs) + " and weight " + Arrays.toString(ws)
                    + " must be [N, C, spatial...] and [C, M/group, k...] of the same rank");
        }
        int c = xs[1];
        int group = op.group();
        if (ws[0] != c || c % group != 0) {
            throw new IllegalArgumentException("input has " + c + " channels and weight " + Arrays.toString(ws)
                    + ", which does not fit group=" + group);
        }
        int m = ws[1] * group;
        if (biasSize >= 0 && biasSize != m) {
            throw new IllegalArgumentException("bias has " + biasSize + " values; it needs " + m);
        }
        int[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
        if (op.kernel() != null && !Arrays.equals(op.kernel(), kernel)) {
            throw new IllegalArgumentException(
                    "kernel_shape " + Arrays.toString(op.kernel()) + " does not match weight " + Arrays.toString(ws));
        }
        int[] in = Arrays.copyOfRange(xs, 2, xs.length);
        int[] strides = orFill(op.strides(), rank, 1, "strides");
        int[] dilations = orFill(op.dilations(), rank, 1, "dilations");
        int[] outputPadding = orFill(op.outputPadding(), rank, 0, "output_padding");
        int[] pads = op.pads() == null ? new int[2 * rank] : op.pads();
        if (pads.length != 2 * rank) {
            throw new IllegalArgumentException("pads has " + pads.length + " values; " + 2 * rank + " expected");
        }
        int[] requested = op.outputShape();
        if (requested != null && requested.length == rank + 2) {
            requested = Arrays.copyOfRange(requested, 2, rank + 2);
        }
        if (requested != null && requested.length != rank) {
            throw new IllegalArgumentException(
                    "output_shape " + Arrays.toString(op.outputShape()) + " does not fit " + rank + " spatial axes");
        }
        int[] out = new int[rank];
        int[] padBegin = new int[rank];
        boolean same = op.autoPad() == Op.AutoPad.SAME_UPPER || op.autoPad() == Op.AutoPad.SAME_LOWER;
        for (int a = 0; a < rank; a++) {
            int natural = strides[a] * (in[a] - 1) + outputPadding[a] + (kernel[a] - 1) * dilations[a] + 1;
            if (requested != null || same) {
                out[a] = requested != null ? requested[a] : in[a] * strides[a];
                int total = natural - out[a];
                int half = Math.floorDiv(total, 2);
                padBegin[a] = op.autoPad() == Op.AutoPad.SAME_UPPER ? half : total - half;
            } else if (op.autoPad() == Op.AutoPad.VALID) {
                out[a] = natural;
            } else {
                out[a] = natural - pads[a] - pads[a + rank];
                padBegin[a] = pads[a];
            }
            if (out[a] < 1) {
                throw new IllegalArgumentException(
                        "the output would have " + out[a] + " positions on spatial axis " + a);
            }
        }
        return new TransposedConvolution.Geometry(xs[0], c, m, group, in, kernel, strides, dilations, padBegin, out);
    }

    private static int[] orFill(int[] values, int rank, int fill, String name) {
        if (values == null) {
            int[] v = new int[rank];
            Arrays.fill(v, fill);
            return v;
        }
        if (values.length != rank) {
            throw new IllegalArgumentException(name + " has " + values.length + " values; " + rank + " expected");
        }
        return values;
    }

    @Override
    public FloatKernel floatKernel(ConvTranspose op, FloatContext ctx) {
        return (in, alloc) -> {
            Tensor b = in.length > 2 ? in[2] : null;
            TransposedConvolution.Geometry g = geometry(
                    op,
                    in[0].shape().dims(),
                    in[1].shape().dims(),
                    b == null ? -1 : b.shape().size());
            double[] y = TransposedConvolution.forward(
                    g, doubles(in[0].data()), doubles(in[1].data()), b == null ? null : doubles(b.data()));
            float[] out = new float[y.length];
            for (int i = 0; i < y.length; i++) {
                out[i] = (float) y[i];
            }
            return new Tensor[] {Tensor.of(in[0].type(), Shape.of(shape(g)), out)};
        };
    }

    private static int[] shape(TransposedConvolution.Geometry g) {
        int[] dims = new int[g.out().length + 2];
        dims[0] = g.batch();
        dims[1] = g.outChannels();
        System.arraycopy(g.out(), 0, dims, 2, g.out().length);
        return dims;
    }

    private static double[] doubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    /** Each input value meets every tap of its group's M/group output channels. */
    @Override
    public long macs(ConvTranspose op, Shape in, Shape out, Shape weight) {
        return (long) in.size() * weight.size(1, weight.rank());
    }

    @Override
    public boolean differentiable(ConvTranspose op, int i) {
        return i <= 2;
    }

    @Override
    public TrainingForward forward(ConvTranspose op, Node node, DTensor[] in, boolean training) {
        DTensor b = in.length > 2 ? in[2] : null;
        TransposedConvolution.Geometry g = geometry(op, in[0].shape(), in[1].shape(), b == null ? -1 : b.size());
        return TrainingForward.of(DTensor.of(
                shape(g), TransposedConvolution.forward(g, in[0].data(), in[1].data(), b == null ? null : b.data())));
    }

    @Override
    public DTensor[] backward(ConvTranspose op, Gradients g) {
        DTensor x = g.in()[0];
        DTensor w = g.in()[1];
        DTensor b = g.input(2);
        TransposedConvolution.Geometry geo = geometry(op, x.shape(), w.shape(), b == null ? -1 : b.size());
        double[] dx = g.needs(0) ? new double[x.size()] : null;
        double[] dw = g.needs(1) ? new double[w.size()] : null;
        double[] db = g.needs(2) && b != null ? new double[b.size()] : null;
        TransposedConvolution.backward(geo, x.data(), w.data(), g.dy().data(), dx, dw, db);
        return new DTensor[] {
            dx == null ? null : DTensor.of(x.shape(), dx),
            dw == null ? null : DTensor.of(w.shape(), dw),
            db == null ? null : DTensor.of(b.shape(), db)
        };
    }
}
