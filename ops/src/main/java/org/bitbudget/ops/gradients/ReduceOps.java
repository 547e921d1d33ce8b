package org.bitbudget.ops.gradients;

import java.util.Arrays;
import org.bitbudget.ops.compute.Reductions.Fold;
import org.bitbudget.ops.compute.Reductions.Plan;

/** Reductions over a set of axes (sum, mean, max, min) in double, and their gradients. */
public final class ReduceOps {
    private ReduceOps() {}

    /** The reduction {@code fold} of the axes marked in {@code reduced}, into a tensor of {@code outDims}. */
    public static DTensor fold(DTensor x, boolean[] reduced, int[] outDims, Fold fold) {
        return DTensor.of(outDims, fold.apply(Plan.of(x.dims(), reduced), x.data()));
    }

    /**
     * dX of a reduction {@code y} of {@code x}: {@code dx = dy · ∂y/∂x}, where {@code partial.at(x, y)}
     * gives the derivative of an output with respect to one of its inputs.
     */
    public static DTensor foldBackward(
            DTensor x, boolean[] reduced, DTensor y, DTensor dy, PointwiseOps.Derivative partial) {
        Plan plan = Plan.of(x.dims(), reduced);
        double[] in = x.data();
        double[] out = y.data();
        double[] g = dy.data();
        double[] dx = new double[in.length];
        int[] counter = new int[plan.dims().length];
        for (int i = 0, o = 0; i < in.length; i++) {
            dx[i] = g[o] * partial.at(in[i], out[o]);
            o = plan.advance(counter, o);
        }
        return DTensor.of(x.dims(), dx);
    }

    /** ReduceSum, or ReduceMean with {@code mean}, into a tensor of {@code outDims}. */
    public static DTensor sum(DTensor x, boolean[] reduced, int[] outDims, boolean mean) {
        Plan plan = Plan.of(x.dims(), reduced);
        double[] in = x.data();
        double[] out = new double[plan.outSize()];
        int[] counter = new int[plan.dims().length];
        for (int i = 0, o = 0; i < in.length; i++) {
            out[o] += in[i];
            o = plan.advance(counter, o);
        }
        if (mean) {
            for (int o = 0; o < out.length; o++) {
                out[o] /= plan.count();
            }
        }
        return DTensor.of(outDims, out);
    }

    /** ReduceMax, or ReduceMin without {@code max}. */
    public static DTensor extreme(DTensor x, boolean[] reduced, int[] outDims, boolean max) {
        Plan plan = Plan.of(x.dims(), reduced);
        double[] in = x.data();
        double[] out = new double[plan.outSize()];
        Arrays.fill(out, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        int[] counter = new int[plan.dims().length];
        for (int i = 0, o = 0; i < in.length; i++) {
            out[o] = max ? Math.max(out[o], in[i]) : Math.min(out[o], in[i]);
            o = plan.advance(counter, o);
        }
        return DTensor.of(outDims, out);
    }

    /** dX of ReduceSum, or of ReduceMean with {@code mean}: each output's gradient spread over its inputs. */
    public static DTensor sumBackward(DTensor x, boolean[] reduced, DTensor dy, boolean mean) {
        Plan plan = Plan.of(x.dims(), reduced);
        double[] g = dy.data();
        double[] dx = new double[x.size()];
        double k = mean ? 1.0 / plan.count() : 1;
        int[] counter = new int[plan.dims().length];
        for (int i = 0, o = 0; i < dx.length; i++) {
            dx[i] = g[o] * k;
            o = plan.advance(counter, o);
        }
        return DTensor.of(x.dims(), dx);
    }

    /**
     * dX of ReduceMax or ReduceMin: each output's gradient goes to the first input that attains it
     * (the arg-max or arg-min), the others get none.
     */
    public static DTensor extremeBackward(DTensor x, boolean[] reduced, DTensor y, DTensor dy) {
        Plan plan = Plan.of(x.dims(), reduced);
        double[] in = x.data();
        double[] out = y.data();
        double[] g = dy.data();
        double[] dx = new double[in.length];
        boolean[] taken = new boolean[out.length];
        int[] counter = new int[plan.dims().length];
        for (int i = 0, o = 0; i < in.length; i++) {
            if (!taken[o] && in[i] == out[o]) {
                dx[i] = g[o];
                taken[o] = true;
            }
            o = plan.advance(counter, o);
        }
        return DTensor.of(x.dims(), dx);
    }
}
