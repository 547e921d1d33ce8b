package org.bitbudget.ops.compute;

/**
 * ONNX Resize and Upsample as a product of one-axis resamplings: each output coordinate along an
 * axis is mapped back to an input coordinate, which reads a few neighbouring inputs with weights
 * (1 for nearest, 2 for linear, 4 for cubic). Nearest, N-linear and N-cubic interpolation are
 * separable, so applying the axes one after another gives ONNX's result, and the transposed passes
 * in reverse order give the gradient with respect to the input. Computed in double, as ONNX's
 * reference does, for both the float engine and the training pass.
 */
public final class Resampling {
    private Resampling() {}

    /** How values between input samples are read. */
    public enum Mode {
        NEAREST,
        LINEAR,
        CUBIC
    }

    /** ONNX's {@code coordinate_transformation_mode}: how an output coordinate maps to an input coordinate. */
    public enum Transform {
        HALF_PIXEL,
        HALF_PIXEL_SYMMETRIC,
        PYTORCH_HALF_PIXEL,
        ALIGN_CORNERS,
        ASYMMETRIC,
        TF_HALF_PIXEL_FOR_NN,
        TF_CROP_AND_RESIZE
    }

    /**
     * ONNX's {@code nearest_mode}; {@code SIMPLE} is the rule of Upsample and Resize-10, which had none
     * (floor when enlarging, ceil when shrinking, as ONNX Runtime reads them).
     */
    public enum Nearest {
        ROUND_PREFER_FLOOR,
        ROUND_PREFER_CEIL,
        FLOOR,
        CEIL,
        SIMPLE
    }

    /**
     * The interpolation settings of one node.
     *
     * @param mode           nearest, linear or cubic
     * @param transform      the coordinate transformation
     * @param nearest        how nearest mode rounds
     * @param cubicA         the cubic coefficient {@code A}
     * @param excludeOutside whether taps outside the input get weight 0 (the others renormalised)
     */
    public record Settings(Mode mode, Transform transform, Nearest nearest, double cubicA, boolean excludeOutside) {}

    /**
     * One axis's resampling: output {@code o} reads inputs {@code index[o * taps + t]} with weights
     * {@code weight[o * taps + t]}, or is the fill value when {@code outside[o]}.
     */
    public record Axis(int inSize, int outSize, int taps, int[] index, double[] weight, boolean[] outside) {
        /** Whether every output is its own input (the axis is left as it is). */
        boolean identity() {
            if (inSize != outSize) {
                return false;
            }
            for (int o = 0; o < outSize; o++) {
                if (outside[o]) {
                    return false;
                }
                double own = 0;
                for (int t = 0; t < taps; t++) {
                    int k = o * taps + t;
                    if (index[k] == o) {
                        own += weight[k];
                    } else if (weight[k] != 0) {
                        return false;
                    }
                }
                if (own != 1) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A whole resampling: the input and output dimensions and each axis's map.
     *
     * @param inDims  the input dimensions
     * @param outDims the output dimensions
     * @param axes    one map per axis
     * @param fill    the value of outputs mapped outside the input (tf_crop_and_resize's extrapolation value)
     */
    public record Plan(int[] inDims, int[] outDims, Axis[] axes, double fill) {}

    /**
     * The plan of one node.
     *
     * @param inDims      the input dimensions
     * @param outDims     the output dimensions
     * @param scales      the scale of each axis (output over input, as the model gives it or derived from sizes)
     * @param roi         the region of interest per axis (starts then ends, normalised), or null
     * @param settings    the interpolation settings
     * @param fill        the extrapolation value
     */
    public static Plan plan(
            int[] inDims, int[] outDims, double[] scales, double[] roi, Settings settings, double fill) {
        Axis[] axes = new Axis[inDims.length];
        for (int a = 0; a < inDims.length; a++) {
            double start = roi == null ? 0 : roi[a];
            double end = roi == null ? 1 : roi[a + inDims.length];
            axes[a] = axis(inDims[a], outDims[a], scales[a], start, end, settings);
        }
        return new Plan(inDims.clone(), outDims.clone(), axes, fill);
    }

    private static Axis axis(int in, int out, double scale, double roiStart, double roiEnd, Settings s) {
        int taps = s.mode() == Mode.NEAREST ? 1 : s.mode() == Mode.LINEAR ? 2 : 4;
        int[] index = new int[out * taps];
        double[] weight = new double[out * taps];
        boolean[] outside = new boolean[out];
        // ONNX's reference measures the output in the unrounded length in * scale.
        double outLength = scale * in;
        for (int o = 0; o < out; o++) {
            double x = original(o, in, out, outLength, scale, roiStart, roiEnd, s.transform());
            if (s.transform() == Transform.TF_CROP_AND_RESIZE && (x < 0 || x > in - 1)) {
                outside[o] = true;
                continue;
            }
            int base = (int) Math.floor(x);
            double r = x - base;
            int k = o * taps;
            switch (s.mode()) {
                case NEAREST -> {
                    index[k] = clamp(base + (roundsUp(r, x, scale, s.nearest()) ? 1 : 0), in);
                    weight[k] = 1;
                }
                case LINEAR -> {
                    index[k] = clamp(base, in);
                    index[k + 1] = clamp(base + 1, in);
                    weight[k] = 1 - r;
                    weight[k + 1] = r;
                }
                case CUBIC -> cubic(base, r, in, s, index, weight, k);
            }
        }
        return new Axis(in, out, taps, index, weight, outside);
    }

    private static void cubic(int base, double r, int in, Settings s, int[] index, double[] weight, int k) {
        double a = s.cubicA();
        double[] c = {
            ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
            ((a + 2) * r - (a + 3)) * r * r + 1,
            ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
            ((a * (2 - r) - 5 * a) * (2 - r) + 8 * a) * (2 - r) - 4 * a
        };
        double sum = 0;
        for (int t = 0; t < 4; t++) {
            int i = base - 1 + t;
            if (s.excludeOutside() && (i < 0 || i >= in)) {
                c[t] = 0;
            }
            sum += c[t];
        }
        for (int t = 0; t < 4; t++) {
            index[k + t] = clamp(base - 1 + t, in);
            weight[k + t] = s.excludeOutside() ? c[t] / sum : c[t];
        }
    }

    private static boolean roundsUp(double r, double x, double scale, Nearest mode) {
        if (r == 0) {
            return false;
        }
        return switch (mode) {
            case ROUND_PREFER_FLOOR -> r > 0.5;
            case ROUND_PREFER_CEIL -> r >= 0.5;
            case FLOOR -> false;
            case CEIL -> true;
            case SIMPLE -> scale < 1;
        };
    }

    private static double original(
            int o, int in, int out, double outLength, double scale, double start, double end, Transform t) {
        return switch (t) {
            case HALF_PIXEL -> (o + 0.5) / scale - 0.5;
            case HALF_PIXEL_SYMMETRIC -> {
                double offset = in / 2.0 * (1 - out / outLength);
                yield offset + (o + 0.5) / scale - 0.5;
            }
            case PYTORCH_HALF_PIXEL -> outLength == 1 ? -0.5 : (o + 0.5) / scale - 0.5;
            case ALIGN_CORNERS -> outLength == 1 ? 0 : o * (in - 1) / (outLength - 1);
            case ASYMMETRIC -> o / scale;
            case TF_HALF_PIXEL_FOR_NN -> (o + 0.5) / scale;
            case TF_CROP_AND_RESIZE ->
                outLength == 1
                        ? (end - start) * (in - 1) / 2 + start * (in - 1)
                        : o * (end - start) * (in - 1) / (outLength - 1) + start * (in - 1);
        };
    }

    private static int clamp(int i, int in) {
        return Math.max(0, Math.min(in - 1, i));
    }

    /** Resamples {@code x} (laid out in {@code plan.inDims()}) to {@code plan.outDims()}. */
    public static double[] apply(Plan plan, double[] x) {
        int[] dims = plan.inDims().clone();
        double[] cur = x;
        for (int a = 0; a < dims.length; a++) {
            Axis axis = plan.axes()[a];
            if (axis.identity()) {
                continue;
            }
            cur = pass(cur, dims, a, axis, plan.fill());
            dims[a] = axis.outSize();
        }
        return cur == x ? x.clone() : cur;
    }

    /** The gradient with respect to the input of {@link #apply} from the output's gradient {@code dy}. */
    public static double[] transpose(Plan plan, double[] dy) {
        int[] dims = plan.outDims().clone();
        double[] cur = dy;
        for (int a = dims.length - 1; a >= 0; a--) {
            Axis axis = plan.axes()[a];
            if (axis.identity()) {
                continue;
            }
            cur = transposedPass(cur, dims, a, axis);
            dims[a] = axis.inSize();
        }
        return cur == dy ? dy.clone() : cur;
    }

    private static double[] pass(double[] x, int[] dims, int a, Axis axis, double fill) {
        int outer = product(dims, 0, a);
        int inner = product(dims, a + 1, dims.length);
        int n = axis.inSize();
        int m = axis.outSize();
        int taps = axis.taps();
        double[] y = new double[outer * m * inner];
        for (int p = 0; p < outer; p++) {
            int xBase = p * n * inner;
            int yBase = p * m * inner;
            for (int o = 0; o < m; o++) {
                int yRow = yBase + o * inner;
                if (axis.outside()[o]) {
                    java.util.Arrays.fill(y, yRow, yRow + inner, fill);
                    continue;
                }
                for (int t = 0; t < taps; t++) {
                    double w = axis.weight()[o * taps + t];
                    if (w == 0) {
                        continue;
                    }
                    int xRow = xBase + axis.index()[o * taps + t] * inner;
                    for (int q = 0; q < inner; q++) {
                        y[yRow + q] += w * x[xRow + q];
                    }
                }
            }
        }
        return y;
    }

    private static double[] transposedPass(double[] dy, int[] dims, int a, Axis axis) {
        int outer = product(dims, 0, a);
        int inner = product(dims, a + 1, dims.length);
        int n = axis.inSize();
        int m = axis.outSize();
        int taps = axis.taps();
        double[] dx = new double[outer * n * inner];
        for (int p = 0; p < outer; p++) {
            int xBase = p * n * inner;
            int yBase = p * m * inner;
            for (int o = 0; o < m; o++) {
                if (axis.outside()[o]) {
                    continue;
                }
                int yRow = yBase + o * inner;
                for (int t = 0; t < taps; t++) {
                    double w = axis.weight()[o * taps + t];
                    int xRow = xBase + axis.index()[o * taps + t] * inner;
                    for (int q = 0; q < inner; q++) {
                        dx[xRow + q] += w * dy[yRow + q];
                    }
                }
            }
        }
        return dx;
    }

    private static int product(int[] dims, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }
}
