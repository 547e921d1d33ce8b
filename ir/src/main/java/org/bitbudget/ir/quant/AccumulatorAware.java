package org.bitbudget.ir.quant;

import java.util.Arrays;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Accumulator-aware post-training quantization (A2Q, Colbert et al. 2023): constrains each output
 * channel's integer weight codes so that a P-bit accumulator can never overflow, whatever the input.
 *
 * <p><b>The bound.</b> A dot product of codes q with input codes x, |x| ≤ X, is at most
 * ||q||_1 · X in magnitude, so it fits a signed P-bit accumulator when
 * ||q||_1 ≤ B = floor((2^(P−1) − 1) / X). X is {@link #maxInputMagnitude}: the largest |code| of the
 * input format (2^b − 1 for uint b, 255 for uint8; max(|min|, max) for signed formats). The zero point
 * does not enter: the kernels accumulate the raw codes and subtract {@code za · Σq} afterwards in
 * int32, outside the narrow accumulator (the int16 kernel for uint8 even flips codes to u − 128,
 * whose magnitude 128 is below 255, so the bound is conservative there).
 *
 * <p><b>The method</b> (per output channel whose unconstrained codes break the budget; other
 * channels keep exactly the codes and scale {@link WeightQuantizer} gives). Let s be the scale of
 * the spec's clipping rule, a_i = min(|w_i / s|, qmax) the clamped magnitudes in the scaled domain
 * and M = max a_i. Three candidates; every one is checked to fit B on its actual integer codes:
 * <ol>
 *   <li><i>project</i> (A2Q's): a soft threshold τ of the scaled weights (the Euclidean projection
 *       onto an L1 ball, Duchi et al. 2008) rounded toward zero, which never increases |q| and so
 *       keeps the bound exact after rounding: codes sign(w_i) · floor((a_i − τ)+) at the original
 *       scale s, with the smallest τ whose codes fit B (bisection below the threshold of the exact
 *       sort-based projection onto the ball of radius B, which always fits);</li>
 *   <li><i>project and re-scale</i>: the same soft-thresholded weights on the finer grid
 *       s' = s · (M − τ) / qmax, whose largest code is again qmax: codes
 *       sign(w_i) · floor(qmax · (a_i − τ)+ / (M − τ)), smallest τ that fits B (feasible when
 *       B ≥ qmax times the number of values at M). A channel stored this way keeps the
 *       max-clipping form, so the integer engine's {@code WeightCodes} recomputes exactly these
 *       codes from the dequantized weights;</li>
 *   <li><i>scale</i> (choose the scale): codes min(round(|w_i| / (c · s)), qmax) at the coarser
 *       scale c · s, with the smallest c ≥ 1 whose codes fit B. It wins where B is small against
 *       qmax (int8 weights with 8-bit inputs at 16 bits: B = 128), where thresholding at the fine
 *       scale keeps only a handful of weights.</li>
 * </ol>
 * The candidate with the smallest squared error to the float weights wins (ties: re-scale).
 * Per-tensor scales allow only <i>project</i> (the scale is shared). The integer engine takes the
 * codes and scales from {@link Result} as they are.
 */
public final class AccumulatorAware {
    private static final int BISECTION_STEPS = 60;

    private AccumulatorAware() {}

    /** How one channel was constrained. */
    public enum Method {
        /** The unconstrained codes fit the budget. */
        UNCHANGED,
        /** Soft threshold at the original scale. */
        PROJECT,
        /** Soft threshold, re-scaled so the largest code is the format's maximum. */
        PROJECT_RESCALE,
        /** A coarser scale, rounded to nearest. */
        SCALE
    }

    /**
     * The constrained weight of one layer.
     *
     * @param tensor          the dequantized weights q · s, same shape and layout as the input
     * @param codes           channels x k codes, channel j's row at {@code j * k}
     * @param scales          per channel
     * @param l1              per channel, ||q||_1
     * @param methods         per channel
     * @param budget          B, the largest L1 norm a channel may have
     * @param accumulatorBits P
     * @param maxInput        X, the largest |input code|
     * @param dataTypeBits    the data-type bound of the unconstrained layer (k · qmax · X), in bits
     * @param sparsity        fraction of zero codes
     */
    public record Result(
            Tensor tensor,
            int[] codes,
            float[] scales,
            long[] l1,
            Method[] methods,
            long budget,
            int accumulatorBits,
            long maxInput,
            int dataTypeBits,
            double sparsity) {
        /** Channels whose codes changed. */
        public int constrainedChannels() {
            return (int)
                    Arrays.stream(methods).filter(m -> m != Method.UNCHANGED).count();
        }

        /** The largest ||q||_1 over channels. */
        public long maxL1() {
            return Arrays.stream(l1).max().orElse(0);
        }

        /** Accumulator bits the L1 bound proves: bits(max ||q||_1 · X). */
        public int l1Bits() {
            return bits(maxL1() * maxInput);
        }
    }

    /**
     * The largest |code| a dot product sees from inputs of integer {@code format}: 2^b − 1 for unsigned b-bit,
     * max(|min|, max) for signed formats, 1 for binary.
     */
    public static long maxInputMagnitude(NumberFormat format) {
        return Math.max(Math.abs((long) format.minCode()), Math.abs((long) format.maxCode()));
    }

    /** B = floor((2^(P−1) − 1) / X). */
    public static long l1Budget(int accumulatorBits, long maxInput) {
        if (accumulatorBits < 2 || accumulatorBits > 63) {
            throw new IllegalArgumentException("accumulator bits must be 2..63, got " + accumulatorBits);
        }
        if (maxInput < 1) {
            throw new IllegalArgumentException("largest input code must be positive, got " + maxInput);
        }
        return ((1L << (accumulatorBits - 1)) - 1) / maxInput;
    }

    /**
     * The fewest two's-complement bits holding every integer in [−P, P]: ceil(log2(P + 1)) + 1 (as
     * the kernels' {@code AccumulatorBounds}; DESIGN.md's ceil(log2 P) + 1 is one short at powers of two).
     */
    public static int bits(long magnitude) {
        return Long.SIZE - Long.numberOfLeadingZeros(magnitude) + 1;
    }

    /**
     * Constrains {@code weight} (channels on {@code channelAxis}, as {@link WeightQuantizer}) for a
     * {@code accumulatorBits}-bit accumulator and inputs of magnitude at most {@code maxInput}.
     *
     * @throws IllegalArgumentException for formats other than signed integers, per-vector scales or a
     *                                  residual, or a budget below 1
     */
    public static Result constrain(
            Tensor weight, int channelAxis, QuantizerSpec spec, int accumulatorBits, long maxInput) {
        NumberFormat format = spec.format();
        if (!format.isInteger() || format.unsigned() || format.signOnly()) {
            throw new IllegalArgumentException("accumulator-aware quantization needs signed integer weights, not "
                    + spec.format().name());
        }
        if (spec.residual() != null || spec.granularity().kind() == Granularity.Kind.PER_VECTOR) {
            throw new IllegalArgumentException(
                    "accumulator-aware quantization needs per-tensor or per-channel " + "weights without residual");
        }
        long budget = l1Budget(accumulatorBits, maxInput);
        Shape shape = weight.shape();
        if (shape.rank() > 0 && (channelAxis < 0 || channelAxis >= shape.rank())) {
            throw new IllegalArgumentException("channel axis " + channelAxis + " is out of range for " + shape);
        }
        int channels = shape.rank() == 0 ? 1 : shape.dim(channelAxis);
        int inner = shape.rank() == 0 ? 1 : shape.size(channelAxis + 1, shape.rank());
        int k = channels == 0 ? 0 : shape.size() / channels;
        int qmax = format.maxCode();
        if (budget < 1) {
            throw new IllegalArgumentException("a " + accumulatorBits + "-bit accumulator cannot hold even one "
                    + "weight code times the largest input " + maxInput);
        }
        float[] w = weight.data();
        float[] out = new float[w.length];
        int[] codes = new int[channels * k];
        float[] scales = new float[channels];
        long[] l1 = new long[channels];
        Method[] methods = new Method[channels];
        boolean perTensor = spec.granularity().kind() == Granularity.Kind.PER_TENSOR;
        RangeSearch.Params tensorParams = perTensor ? RangeSearch.choose(w, w.length, format, spec.clipping()) : null;
        float[] group = new float[k];
        int[] candidate = new int[k];
        int[] best = new int[k];
        long zeros = 0;
        for (int j = 0; j < channels; j++) {
            for (int p = 0; p < k; p++) {
                group[p] = w[index(inner, channels, j, p)];
            }
            float s = perTensor
                    ? tensorParams.scale()
                    : RangeSearch.choose(group, k, format, spec.clipping()).scale();
            double[] a = new double[k];
            long norm = 0;
            for (int p = 0; p < k; p++) {
                // The same float32 steps as RangeSearch.Params.apply with zero point 0.
                float t = group[p] / s;
                int q = (int) format.quantize(t);
                best[p] = q;
                norm += Math.abs(q);
                a[p] = Math.min(Math.abs((double) t), qmax);
            }
            float scale = s;
            Method method = Method.UNCHANGED;
            if (norm > budget) {
                double bestError = project(a, group, s, budget, candidate);
                System.arraycopy(candidate, 0, best, 0, k);
                method = Method.PROJECT;
                if (!perTensor) {
                    float coarser = coarser(a, group, s, qmax, budget, candidate);
                    double e = error(group, candidate, coarser);
                    if (e < bestError) {
                        System.arraycopy(candidate, 0, best, 0, k);
                        bestError = e;
                        scale = coarser;
                        method = Method.SCALE;
                    }
                    float rescaled = rescale(a, group, s, qmax, budget, candidate);
                    if (rescaled > 0) {
                        double fine = error(group, candidate, rescaled);
                        if (fine <= bestError) {
                            System.arraycopy(candidate, 0, best, 0, k);
                            scale = rescaled;
                            method = Method.PROJECT_RESCALE;
                        }
                    }
                }
            }
            long sum = 0;
            for (int p = 0; p < k; p++) {
                int q = best[p];
                codes[j * k + p] = q;
                sum += Math.abs(q);
                zeros += q == 0 ? 1 : 0;
                int idx = index(inner, channels, j, p);
                out[idx] = q * scale;
            }
            if (method != Method.UNCHANGED && sum > budget) {
                throw new AssertionError("channel " + j + ": L1 " + sum + " above budget " + budget);
            }
            scales[j] = scale;
            l1[j] = sum;
            methods[j] = method;
        }
        int dataTypeBits = bits((long) k * qmax * maxInput);
        double sparsity = codes.length == 0 ? 0 : (double) zeros / codes.length;
        return new Result(
                Tensor.of(shape, out),
                codes,
                scales,
                l1,
                methods,
                budget,
                accumulatorBits,
                maxInput,
                dataTypeBits,
                sparsity);
    }

    /** Where value p of channel j is, {@code inner} being the product of the dimensions after the channel axis. */
    private static int index(int inner, int channels, int j, int p) {
        return ((p / inner) * channels + j) * inner + p % inner;
    }

    /** Sum of squared errors of codes q at scale s against the weights. */
    private static double error(float[] w, int[] q, float s) {
        double e = 0;
        for (int p = 0; p < w.length; p++) {
            double d = w[p] - (double) (q[p] * s);
            e += d * d;
        }
        return e;
    }

    /**
     * The threshold of the Euclidean projection of non-negative {@code a} onto the L1 ball of radius
     * {@code radius} (Duchi et al. 2008, sort-based): 0 when already inside.
     */
    public static double projectionThreshold(double[] a, double radius) {
        double total = 0;
        for (double v : a) {
            total += Math.abs(v);
        }
        if (total <= radius) {
            return 0;
        }
        double[] sorted = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            sorted[i] = Math.abs(a[i]);
        }
        Arrays.sort(sorted);
        double cumulative = 0;
        double theta = 0;
        for (int i = sorted.length - 1, rho = 1; i >= 0; i--, rho++) {
            cumulative += sorted[i];
            double t = (cumulative - radius) / rho;
            if (sorted[i] > t) {
                theta = t;
            }
        }
        return Math.max(theta, 0);
    }

    /** Candidate 1: codes floor((a − τ)+) at scale s with the smallest τ that fits; returns the error. */
    private static double project(double[] a, float[] w, float s, long budget, int[] out) {
        double hi = projectionThreshold(a, budget);
        double lo = 0;
        // floor((a - hi)+) sums to at most the ball's radius; search the smallest threshold that still fits.
        for (int it = 0; it < BISECTION_STEPS && hi - lo > 1e-12; it++) {
            double mid = (lo + hi) / 2;
            if (sumProject(a, mid) <= budget) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        for (int p = 0; p < a.length; p++) {
            int q = (int) Math.floor(Math.max(a[p] - hi, 0));
            out[p] = w[p] < 0 ? -q : q;
        }
        return error(w, out, s);
    }

    private static long sumProject(double[] a, double tau) {
        long sum = 0;
        for (double v : a) {
            sum += (long) Math.floor(Math.max(v - tau, 0));
        }
        return sum;
    }

    /**
     * Candidate 3: codes round(a / c) (at most qmax) at the scale c · s, with the smallest c ≥ 1 whose
     * codes fit; returns the scale.
     */
    private static float coarser(double[] a, float[] w, float s, int qmax, long budget, int[] out) {
        double max = 0;
        double[] r = new double[a.length];
        for (int p = 0; p < a.length; p++) {
            r[p] = Math.abs((double) w[p]) / s;
            max = Math.max(max, r[p]);
        }
        double lo = 1;
        double hi = Math.max(2 * max + 1, 1);
        for (int it = 0; it < BISECTION_STEPS && hi - lo > 1e-9 * hi; it++) {
            double mid = (lo + hi) / 2;
            if (sumCoarser(r, mid, qmax) <= budget) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        float scale = (float) (s * hi);
        // The codes as the float scale gives them, re-checked: nudge the scale up until they fit.
        while (true) {
            long sum = 0;
            for (int p = 0; p < a.length; p++) {
                int q = (int) Math.min(Math.rint(Math.abs((double) w[p]) / scale), qmax);
                out[p] = w[p] < 0 ? -q : q;
                sum += q;
            }
            if (sum <= budget) {
                return scale;
            }
            scale = Math.nextUp(scale);
        }
    }

    private static long sumCoarser(double[] a, double c, int qmax) {
        long sum = 0;
        for (double v : a) {
            sum += (long) Math.min(Math.rint(v / c), qmax);
        }
        return sum;
    }

    /**
     * Candidate 2: codes floor(qmax · (a − τ)+ / (M − τ)) at scale s (M − τ) / qmax; returns the scale,
     * or 0 when no τ fits (B below qmax times the count of values at M) or M is 0.
     */
    private static float rescale(double[] a, float[] w, float s, int qmax, long budget, int[] out) {
        double m = 0;
        int atMax = 0;
        for (double v : a) {
            m = Math.max(m, v);
        }
        for (double v : a) {
            atMax += v == m ? 1 : 0;
        }
        if (!(m > 0) || (long) qmax * atMax > budget) {
            return 0;
        }
        double lo = 0;
        double hi = m;
        if (sumRescale(a, 0, m, qmax) <= budget) {
            hi = 0;
        }
        for (int it = 0; it < BISECTION_STEPS && hi - lo > 1e-12; it++) {
            double mid = (lo + hi) / 2;
            if (sumRescale(a, mid, m, qmax) <= budget) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        if (sumRescale(a, hi, m, qmax) > budget) {
            return 0;
        }
        for (int p = 0; p < a.length; p++) {
            int q = code(a[p], hi, m, qmax);
            out[p] = w[p] < 0 ? -q : q;
        }
        // A scale that survives max-clipping's float steps: fl(fl(qmax * s') / qmax) == s'.
        float scale = (float) (s * (m - hi) / qmax);
        for (int it = 0; it < 8; it++) {
            float next = (qmax * scale) / qmax;
            if (next == scale) {
                return scale;
            }
            scale = next;
        }
        return scale;
    }

    private static int code(double a, double tau, double m, int qmax) {
        if (a == m) {
            return qmax;
        }
        return (int) Math.floor(qmax * Math.max(a - tau, 0) / (m - tau));
    }

    private static long sumRescale(double[] a, double tau, double m, int qmax) {
        long sum = 0;
        for (double v : a) {
            sum += code(v, tau, m, qmax);
        }
        return sum;
    }
}
