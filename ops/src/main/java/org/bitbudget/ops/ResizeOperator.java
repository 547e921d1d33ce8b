package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Resampling;
import org.bitbudget.ops.gradients.DTensor;

/**
 * ONNX Resize (opsets 10 to 19) and its deprecated form Upsample (opsets 7 and 9): nearest, N-linear
 * and N-cubic interpolation in every coordinate transformation mode, to sizes or by scales, with
 * opset 18's {@code axes} and {@code keep_aspect_ratio_policy}. Upsample and Resize-10 read
 * coordinates asymmetrically and round nearest as ONNX Runtime does for them. Trainable with respect
 * to the input: the gradient is the transposed interpolation.
 */
final class ResizeOperator implements OperatorDescriptor<ResizeOperator.Resize> {
    /** How {@code sizes} are met when they would change the aspect ratio (opset 18). */
    enum AspectPolicy {
        STRETCH,
        NOT_LARGER,
        NOT_SMALLER
    }

    /**
     * The checked attributes.
     *
     * @param upsample        whether the node is the deprecated Upsample
     * @param scalesOnly      whether the inputs are {@code (X, scales)} (Upsample-9, Resize-10)
     * @param scalesAttribute Upsample-7's {@code scales} attribute, or null when the scales are an input
     * @param settings        the interpolation
     * @param extrapolation   the value of outputs outside the input with tf_crop_and_resize
     * @param axes            the axes {@code roi}, {@code scales} and {@code sizes} address, or null for all
     * @param policy          how {@code sizes} keep the aspect ratio
     */
    record Resize(
            boolean upsample,
            boolean scalesOnly,
            float[] scalesAttribute,
            Resampling.Settings settings,
            float extrapolation,
            int[] axes,
            AspectPolicy policy)
            implements Op {
        public String type() {
            return upsample ? "Upsample" : "Resize";
        }

        @Override
        public String toString() {
            return type() + "(" + settings + ", scales=" + Arrays.toString(scalesAttribute) + ", axes="
                    + Arrays.toString(axes) + ", policy=" + policy + ")";
        }
    }

    /** The output dimensions and the per-axis scales and region of interest of one node's input. */
    private record Geometry(int[] outDims, double[] scales, double[] roi) {}

    private final boolean upsample;

    ResizeOperator(boolean upsample) {
        this.upsample = upsample;
    }

    @Override
    public String type() {
        return upsample ? "Upsample" : "Resize";
    }

    @Override
    public Resize read(OnnxNode n) {
        boolean legacy = upsample || n.opset() < 11;
        if (upsample && n.opset() < 7) {
            throw n.unsupported(type(), "Upsample before opset 7 (height_scale/width_scale) is not supported");
        }
        String modeName = n.getString("mode", "nearest").toLowerCase(Locale.ROOT);
        Resampling.Mode mode = switch (modeName) {
            case "nearest" -> Resampling.Mode.NEAREST;
            case "linear", "bilinear" -> Resampling.Mode.LINEAR;
            case "cubic" -> legacy ? null : Resampling.Mode.CUBIC;
            default -> null;
        };
        if (mode == null) {
            throw n.error("mode '" + modeName + "' is not nearest, linear" + (legacy ? "" : " or cubic"));
        }
        if (legacy) {
            float[] scales = upsample && n.opset() < 9 ? n.getFloats("scales", null) : null;
            if (upsample && n.opset() < 9 && scales == null) {
                throw n.error("Upsample needs the scales attribute");
            }
            Resampling.Settings s = new Resampling.Settings(
                    mode, Resampling.Transform.ASYMMETRIC, Resampling.Nearest.SIMPLE, -0.75, false);
            return new Resize(upsample, scales == null, scales, s, 0f, null, AspectPolicy.STRETCH);
        }
        if (n.opset() >= 18 && n.getInt("antialias", 0) != 0) {
            throw n.unsupported(type(), "antialias is not supported");
        }
        Resampling.Settings s = new Resampling.Settings(
                mode,
                parse(n, "coordinate_transformation_mode", "half_pixel", Resampling.Transform.class),
                parse(n, "nearest_mode", "round_prefer_floor", Resampling.Nearest.class),
                n.getFloat("cubic_coeff_a", -0.75f),
                n.getInt("exclude_outside", 0) != 0);
        if (s.nearest() == Resampling.Nearest.SIMPLE) {
            throw n.error("nearest_mode 'simple' is not an ONNX mode");
        }
        int[] axes = n.opset() >= 18 ? n.getInts("axes", null) : null;
        AspectPolicy policy = n.opset() >= 18
                ? parse(n, "keep_aspect_ratio_policy", "stretch", AspectPolicy.class)
                : AspectPolicy.STRETCH;
        return new Resize(false, false, null, s, n.getFloat("extrapolation_value", 0f), axes, policy);
    }

    private static <E extends Enum<E>> E parse(OnnxNode n, String attribute, String fallback, Class<E> kind) {
        String value = n.getString(attribute, fallback);
        try {
            return Enum.valueOf(kind, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw n.error(attribute + " '" + value + "' is not supported");
        }
    }

    @Override
    public Arity arity(Resize op) {
        if (op.scalesAttribute() != null) {
            return Arity.exactly(1);
        }
        return op.scalesOnly() ? Arity.exactly(2) : Arity.between(1, 4);
    }

    @Override
    public int minimumOpset(Resize op, Node node) {
        if (op.settings() != null && op.settings().transform() == Resampling.Transform.HALF_PIXEL_SYMMETRIC) {
            return 19;
        }
        return op.axes() != null || op.policy() != AspectPolicy.STRETCH ? 18 : 1;
    }

    @Override
    public void write(Resize op, Node node, AttributeWriter out) {
        if (op.upsample() || op.scalesOnly() || out.opset() < minimumOpset(op, node)) {
            throw new IllegalArgumentException("node " + node.name() + ": this " + op.type() + " has no opset-"
                    + out.opset() + " form (Resize-13 reads roi, scales and sizes; axes and"
                    + " keep_aspect_ratio_policy need 18, half_pixel_symmetric 19)");
        }
        out.ints("axes", op.axes());
        if (op.policy() != AspectPolicy.STRETCH) {
            out.text("keep_aspect_ratio_policy", op.policy().name().toLowerCase(Locale.ROOT));
        }
        out.text("mode", op.settings().mode().name().toLowerCase(Locale.ROOT));
        out.text(
                "coordinate_transformation_mode",
                op.settings().transform().name().toLowerCase(Locale.ROOT));
        out.text("nearest_mode", op.settings().nearest().name().toLowerCase(Locale.ROOT));
        out.real("cubic_coeff_a", (float) op.settings().cubicA());
        out.integer("exclude_outside", op.settings().excludeOutside() ? 1 : 0);
        out.real("extrapolation_value", op.extrapolation());
    }

    @Override
    public List<ValueType> outputs(Resize op, ShapeInputs in) {
        double[][] values = new double[4][];
        long[] sizes = null;
        for (int i = 1; i < in.count(); i++) {
            if (!in.present(i)) {
                continue;
            }
            Tensor t = in.value(i);
            if (t == null) {
                throw new IllegalArgumentException("input '" + in.node().input(i)
                        + "' is computed at run time; shape inference needs it constant");
            }
            values[i] = doubles(t.data());
            if (i == 3) {
                sizes = t.longs();
            }
        }
        Geometry g = geometry(op, in.shape(0).dims(), values, sizes);
        return List.of(in.type(0).withShape(Shape.of(g.outDims())));
    }

    @Override
    public FloatKernel floatKernel(Resize op, FloatContext ctx) {
        return (in, alloc) -> {
            double[][] values = new double[4][];
            for (int i = 1; i < in.length; i++) {
                values[i] = in[i] == null ? null : doubles(in[i].data());
            }
            long[] sizes = in.length > 3 && in[3] != null ? in[3].longs() : null;
            int[] dims = in[0].shape().dims();
            Resampling.Plan plan = plan(op, dims, values, sizes);
            double[] y = Resampling.apply(plan, doubles(in[0].data()));
            float[] out = new float[y.length];
            for (int i = 0; i < y.length; i++) {
                out[i] = (float) y[i];
            }
            return new Tensor[] {Tensor.of(in[0].type(), Shape.of(plan.outDims()), out)};
        };
    }

    @Override
    public TrainingForward forward(Resize op, Node node, DTensor[] in, boolean training) {
        Resampling.Plan plan = plan(op, in);
        return TrainingForward.of(DTensor.of(plan.outDims(), Resampling.apply(plan, in[0].data())));
    }

    @Override
    public DTensor[] backward(Resize op, Gradients g) {
        Resampling.Plan plan = plan(op, g.in());
        return new DTensor[] {DTensor.of(plan.inDims(), Resampling.transpose(plan, g.dy().data()))};
    }

    private static Resampling.Plan plan(Resize op, DTensor[] in) {
        double[][] values = new double[4][];
        for (int i = 1; i < in.length; i++) {
            values[i] = in[i] == null ? null : in[i].data();
        }
        long[] sizes = null;
        if (values.length > 3 && values[3] != null) {
            sizes = new long[values[3].length];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = Math.round(values[3][i]);
            }
        }
        return plan(op, in[0].shape(), values, sizes);
    }

    private static Resampling.Plan plan(Resize op, int[] inDims, double[][] values, long[] sizes) {
        Geometry g = geometry(op, inDims, values, sizes);
        return Resampling.plan(inDims, g.outDims(), g.scales(), g.roi(), op.settings(), op.extrapolation());
    }

    /**
     * The output size, scales and region of interest from the node's inputs ({@code values[i]} is
     * input i, null or empty when omitted; {@code sizes} is input 3 as integers).
     */
    private static Geometry geometry(Resize op, int[] inDims, double[][] values, long[] sizes) {
        int rank = inDims.length;
        double[] given;
        if (op.scalesAttribute() != null) {
            given = doubles(op.scalesAttribute());
        } else {
            given = op.scalesOnly() ? values[1] : values[2];
        }
        int[] axes = axes(op, rank);
        double[] scales = new double[rank];
        Arrays.fill(scales, 1);
        int[] out = inDims.clone();
        if (given != null && given.length > 0) {
            if (sizes != null && sizes.length > 0) {
                throw new IllegalArgumentException("only one of scales and sizes may be given");
            }
            requireLength("scales", given.length, axes.length);
            for (int j = 0; j < axes.length; j++) {
                if (!(given[j] > 0)) {
                    throw new IllegalArgumentException("scale " + given[j] + " must be positive");
                }
                scales[axes[j]] = given[j];
                out[axes[j]] = (int) Math.floor(given[j] * inDims[axes[j]]);
            }
        } else if (sizes != null && sizes.length > 0) {
            requireLength("sizes", sizes.length, axes.length);
            fromSizes(op.policy(), inDims, axes, sizes, scales, out);
        } else {
            throw new IllegalArgumentException(op.type() + " needs scales or sizes");
        }
        double[] roi = null;
        if (op.settings().transform() == Resampling.Transform.TF_CROP_AND_RESIZE) {
            double[] givenRoi = values[1];
            if (givenRoi == null || givenRoi.length == 0) {
                throw new IllegalArgumentException("tf_crop_and_resize needs roi");
            }
            requireLength("roi", givenRoi.length, 2 * axes.length);
            roi = new double[2 * rank];
            Arrays.fill(roi, rank, 2 * rank, 1);
            for (int j = 0; j < axes.length; j++) {
                roi[axes[j]] = givenRoi[j];
                roi[axes[j] + rank] = givenRoi[j + axes.length];
            }
        }
        return new Geometry(out, scales, roi);
    }

    private static void fromSizes(
            AspectPolicy policy, int[] inDims, int[] axes, long[] sizes, double[] scales, int[] out) {
        if (policy == AspectPolicy.STRETCH) {
            for (int j = 0; j < axes.length; j++) {
                scales[axes[j]] = (double) sizes[j] / inDims[axes[j]];
                out[axes[j]] = Math.toIntExact(sizes[j]);
            }
            return;
        }
        double scale = policy == AspectPolicy.NOT_LARGER ? Double.MAX_VALUE : 0;
        for (int j = 0; j < axes.length; j++) {
            double s = (double) sizes[j] / inDims[axes[j]];
            scale = policy == AspectPolicy.NOT_LARGER ? Math.min(scale, s) : Math.max(scale, s);
        }
        for (int axis : axes) {
            scales[axis] = scale;
            out[axis] = (int) Math.rint(scale * inDims[axis]);
        }
    }

    private static int[] axes(Resize op, int rank) {
        if (op.axes() == null) {
            int[] all = new int[rank];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] axes = new int[op.axes().length];
        for (int j = 0; j < axes.length; j++) {
            int a = op.axes()[j] < 0 ? op.axes()[j] + rank : op.axes()[j];
            if (a < 0 || a >= rank) {
                throw new IllegalArgumentException("axis " + op.axes()[j] + " is out of range for rank " + rank);
            }
            axes[j] = a;
        }
        return axes;
    }

    private static void requireLength(String what, int length, int expected) {
        if (length != expected) {
            throw new IllegalArgumentException(what + " has " + length + " values; it needs " + expected);
        }
    }

    private static double[] doubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
