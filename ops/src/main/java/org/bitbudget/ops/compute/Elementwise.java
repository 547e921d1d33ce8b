package org.bitbudget.ops.compute;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.scale.ScaleRun;

/** Element-wise operators: broadcasting arithmetic, activations and clipping. */
public final class Elementwise {
    private Elementwise() {}

    public static Tensor binary(Op.Binary op, Tensor a, Tensor b) {
        return binary(op, a, b, Allocator.FRESH);
    }

    /**
     * {@link #binary(Op.Binary, Tensor, Tensor)} with the result in an array from {@code allocator},
     * every element of which it writes: the engine hands a squeeze-excitation scale or a residual Add
     * the array of its previous batch.
     */
    public static Tensor binary(Op.Binary op, Tensor a, Tensor b, Allocator allocator) {
        Op.Binary.Kind kind = op.kind();
        if (op.legacyAxis() >= 0) {
            b = alignLegacy(b, a.shape().rank(), op.legacyAxis());
        }
        if (a.type() != b.type()) {
            throw new IllegalArgumentException(
                    "operands have different element types: " + a.type() + " and " + b.type());
        }
        DataType type = a.type();
        float[] x = a.data();
        float[] y = b.data();
        if (a.shape().equals(b.shape())) {
            float[] out = allocator.take(x.length);
            run(kind, x, 0, true, y, 0, true, out, 0, out.length);
            cast(type, out, 0, out.length);
            return Tensor.of(type, a.shape(), out);
        }
        int[] outDims = Broadcast.shape(a.shape().dims(), b.shape().dims());
        int[] as = Broadcast.strides(outDims, a.shape().dims());
        int[] bs = Broadcast.strides(outDims, b.shape().dims());
        int rank = outDims.length;
        // The trailing axes along which each operand is either read in order or held fixed make one
        // run: a squeeze-excitation scale [N, C, 1, 1] is then one value per run of H x W.
        boolean aMoves = rank > 0 && as[rank - 1] != 0;
        boolean bMoves = rank > 0 && bs[rank - 1] != 0;
        int from = Math.max(rank - 1, 0);
        int run = rank > 0 ? outDims[rank - 1] : 1;
        while (from > 0 && (as[from - 1] != 0) == aMoves && (bs[from - 1] != 0) == bMoves) {
            from--;
            run *= outDims[from];
        }
        int size = 1;
        for (int d : outDims) {
            size *= d;
        }
        float[] out = allocator.take(size);
        int[] counter = new int[from];
        int aOff = 0;
        int bOff = 0;
        for (int start = 0; start < size; start += run) {
            run(kind, x, aOff, aMoves, y, bOff, bMoves, out, start, run);
            cast(type, out, start, start + run);
            for (int axis = from - 1; axis >= 0; axis--) {
                counter[axis]++;
                aOff += as[axis];
                bOff += bs[axis];
                if (counter[axis] < outDims[axis]) {
                    break;
                }
                aOff -= as[axis] * counter[axis];
                bOff -= bs[axis] * counter[axis];
                counter[axis] = 0;
            }
        }
        return Tensor.of(type, Shape.of(outDims), out);
    }

    /** Pads B's shape with ones so that its axes start at {@code axis} of a rank-{@code rank} tensor. */
    private static Tensor alignLegacy(Tensor b, int rank, int axis) {
        int[] dims = b.shape().dims();
        if (axis + dims.length > rank) {
            throw new IllegalArgumentException(
                    "B " + b.shape() + " does not fit at axis " + axis + " of a rank-" + rank + " tensor");
        }
        int[] aligned = new int[rank];
        java.util.Arrays.fill(aligned, 1);
        System.arraycopy(dims, 0, aligned, axis, dims.length);
        return b.reshape(Shape.of(aligned));
    }

    /**
     * {@code out[outOff + i] = x[xOff + i] op y[yOff + i]} for i in [0, n), an operand that does not
     * move read at its offset for every i. The operator and the operands' movement are chosen once
     * per run, so that each case is a plain loop the JIT vectorises.
     */
    private static void run(
            Op.Binary.Kind kind,
            float[] x,
            int xOff,
            boolean xMoves,
            float[] y,
            int yOff,
            boolean yMoves,
            float[] out,
            int outOff,
            int n) {
        if (xMoves && yMoves) {
            switch (kind) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = x[xOff + i] + y[yOff + i];
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = x[xOff + i] - y[yOff + i];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = x[xOff + i] * y[yOff + i];
                    }
                }
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = x[xOff + i] / y[yOff + i];
                    }
                }
            }
        } else if (xMoves) {
            float yv = y[yOff];
            switch (kind) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = x[xOff + i] + yv;
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = x[xOff + i] - yv;
                    }
                }
                case MUL -> ScaleRun.get().multiply(x, xOff, yv, out, outOff, n);
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = x[xOff + i] / yv;
                    }
                }
            }
        } else if (yMoves) {
            float xv = x[xOff];
            switch (kind) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = xv + y[yOff + i];
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = xv - y[yOff + i];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = xv * y[yOff + i];
                    }
                }
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        out[outOff + i] = xv / y[yOff + i];
                    }
                }
            }
        } else {
            java.util.Arrays.fill(out, outOff, outOff + n, apply(kind, x[xOff], y[yOff]));
        }
    }

    /** Casts {@code out[from, to)} to {@code type} in place (nothing to do for float and double). */
    private static void cast(DataType type, float[] out, int from, int to) {
        if (type == DataType.FLOAT || type == DataType.DOUBLE) {
            return;
        }
        for (int i = from; i < to; i++) {
            out[i] = type.cast(out[i]);
        }
    }

    private static float apply(Op.Binary.Kind kind, float x, float y) {
        return switch (kind) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
        };
    }

    public static Tensor unary(Op.Unary.Kind kind, Tensor x) {
        if (kind == Op.Unary.Kind.IDENTITY) {
            return x;
        }
        float[] in = x.data();
        float[] out = new float[in.length];
        switch (kind) {
            case RELU -> relu(in, out, 0, in.length);
            case SIGMOID -> {
                for (int i = 0; i < in.length; i++) {
                    out[i] = (float) (1.0 / (1.0 + Math.exp(-in[i])));
                }
            }
            case ROUND -> {
                for (int i = 0; i < in.length; i++) {
                    out[i] = (float) Math.rint(in[i]);
                }
            }
            case IDENTITY -> throw new AssertionError();
        }
        return Tensor.of(x.type(), x.shape(), out);
    }

    public static Tensor clip(Tensor x, float min, float max) {
        float[] in = x.data();
        float[] out = new float[in.length];
        clip(in, out, 0, in.length, min, max);
        return Tensor.of(x.type(), x.shape(), out);
    }

    /**
     * {@code out[i] = max(in[i], 0)} for i in [from, to); {@code out} may be {@code in}. The one ReLU
     * loop: the standalone operator and the one fused into Conv and Gemm ({@link Activation}) both
     * run it, so they give the same bits.
     */
    static void relu(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = Math.max(in[i], 0f);
        }
    }

    /**
     * ONNX Clip of {@code in[from, to)} into {@code out} (which may be {@code in}); with min above
     * max every value becomes max. Shared with the fused form like {@link #relu}.
     */
    static void clip(float[] in, float[] out, int from, int to, float min, float max) {
        if (min > max) {
            java.util.Arrays.fill(out, from, to, max);
            return;
        }
        for (int i = from; i < to; i++) {
            out[i] = Math.min(Math.max(in[i], min), max);
        }
    }

    /** ONNX HardSwish's alpha, 1/6 rounded to float: the coefficient of every HardSwish in this project. */
    public static final float HARD_SWISH_ALPHA = 1f / 6;

    /**
     * ONNX HardSwish {@code x * max(0, min(1, alpha * x + beta))} (alpha 1/6, beta 0.5) of one float,
     * in float: the gate is one fused multiply-add (a single rounding), clamped, times {@code x} (a
     * second rounding). This is the definition every other copy (the loops below, the blocked
     * depthwise pass, the integer engine's islands, every Vector API kernel) equals bit for bit. The
     * gate is never -0.0 (alpha * x + 0.5 is never exactly zero for a float x, and a rounded sum is
     * +0.0 anyway), so a clamp written as compare-and-select gives the same floats as Math.min and
     * Math.max; NaN stays NaN, +inf gives +inf, -inf gives NaN (-inf times a gate of 0) and -0.0 gives
     * -0.0.
     */
    public static float hardSwish(float x) {
        return x * Math.max(0f, Math.min(1f, Math.fma(x, HARD_SWISH_ALPHA, 0.5f)));
    }

    /**
     * {@link #hardSwish(float)} of {@code in[from, to)} into {@code out} (which may be {@code in}), in a
     * loop the JIT vectorises (eight floats a ymm register instead of four doubles, no division, no
     * conversions); shared with the fused form like {@link #relu}.
     */
    public static void hardSwish(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = hardSwish(in[i]);
        }
    }

    /**
     * ONNX HardSigmoid {@code max(0, min(1, alpha * x + beta))} of {@code in[from, to)} into {@code out}
     * (which may be {@code in}), computed in double and rounded once, the formula of the generic
     * activation kernel; a plain loop over the floats instead of a formula called per element, which
     * cost about four nanoseconds a value on the squeeze-excitation scales.
     */
    public static void hardSigmoid(float[] in, float[] out, int from, int to, float alpha, float beta) {
        double a = alpha;
        double b = beta;
        for (int i = from; i < to; i++) {
            out[i] = (float) Math.max(0d, Math.min(1d, a * in[i] + b));
        }
    }

    public static Tensor fakeQuantize(Op.FakeQuantize q, Tensor x) {
        RangeSearch.Params p = new RangeSearch.Params(q.scale(), q.zeroPoint());
        float[] in = x.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = p.apply(in[i], q.format());
        }
        return Tensor.of(x.type(), x.shape(), out);
    }
}
