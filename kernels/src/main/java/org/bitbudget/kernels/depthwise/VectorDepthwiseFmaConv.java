package org.bitbudget.kernels.depthwise;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link DepthwiseFmaConv}: lanes are channels. Each image's codes minus the zero point go
 * once into a zero-bordered float image whose pixels are padded to whole vectors of channels (so
 * every load is a full vector and no tap needs a bounds check: a padded tap holds real zero), and
 * every output row then runs in tiles of four output positions by one vector of channels, each tap
 * one weight load shared by four input loads and four FMAs into independent accumulators (the
 * integer kernel's one chain per position waits on each add); at stride one, windows of three or
 * five columns slide across the tile instead ({@code slideThree}, {@code slideFive}), each input
 * vector loaded once for all the tile's outputs it feeds. The exact float sums convert to
 * int32 once per output; only the last vector of channels of a layer whose channels are not a
 * multiple of the lane count stores through a mask.
 *
 * <p>Runs at the width {@link VectorWidth} gives its class; {@link DepthwiseFmaConvFamily} uses it
 * from 256 bits up.
 */
public final class VectorDepthwiseFmaConv implements DepthwiseFmaConv {
    private static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(FLOATS.length() * Byte.SIZE));
    private static final int L = FLOATS.length();

    @Override
    public Weights pack(byte[] codes, int c, int taps) {
        int stride = Math.ceilDiv(c, L) * L;
        float[] data = new float[taps * stride];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < taps; t++) {
                data[t * stride + ch] = codes[ch * taps + t];
            }
        }
        return new Weights(data, c, taps, stride, DepthwiseFmaConv.maxL1(codes, c, taps));
    }

    @Override
    public void convolve(
            byte[] in,
            boolean unsigned,
            int zeroPoint,
            int batch,
            int h,
            int w,
            int c,
            Window win,
            Weights weights,
            int[] out) {
        DepthwiseFmaConv.checkExact(unsigned, zeroPoint, weights);
        int stride = weights.stride();
        int hp = Math.max(win.padTop() + h, (win.outH() - 1) * win.sH() + (win.kH() - 1) * win.dH() + 1);
        int wp = Math.max(win.padLeft() + w, (win.outW() - 1) * win.sW() + (win.kW() - 1) * win.dW() + 1);
        // One image at a time: its padded floats (a few tens of KB) stay in the L1 or L2 cache while
        // every output reads them, and the border, written zero at allocation, stays zero.
        float[] padded = new float[hp * wp * stride];
        for (int b = 0; b < batch; b++) {
            fill(in, b * h * w * c, unsigned, zeroPoint, h, w, c, padded, win.padTop(), win.padLeft(), wp, stride);
            convolveImage(padded, wp, stride, c, win, weights.data(), out, b * win.outH() * win.outW() * c);
        }
    }

    /** The image's codes minus the zero point into the padded image's interior, pixel by pixel. */
    private static void fill(
            byte[] in,
            int image,
            boolean unsigned,
            int zeroPoint,
            int h,
            int w,
            int c,
            float[] padded,
            int top,
            int left,
            int wp,
            int stride) {
        VectorOperators.Conversion<Byte, Integer> widen =
                unsigned ? VectorOperators.ZERO_EXTEND_B2I : VectorOperators.B2I;
        FloatVector zero = FloatVector.broadcast(FLOATS, zeroPoint);
        for (int iy = 0; iy < h; iy++) {
            for (int ix = 0; ix < w; ix++) {
                int src = image + (iy * w + ix) * c;
                int dst = ((iy + top) * wp + ix + left) * stride;
                int ch = 0;
                for (; ch + L <= c; ch += L) {
                    IntVector codes = (IntVector)
                            ByteVector.fromArray(BYTES, in, src + ch).convertShape(widen, INTS, 0);
                    ((FloatVector) codes.convert(VectorOperators.I2F, 0))
                            .sub(zero)
                            .intoArray(padded, dst + ch);
                }
                for (; ch < c; ch++) {
                    padded[dst + ch] = (unsigned ? in[src + ch] & 0xFF : in[src + ch]) - zeroPoint;
                }
            }
        }
    }

    /**
     * One padded image's outputs, from {@code out[o]}: rows, then vectors of channels, then tiles of
     * positions (rows of fewer than four positions in tiles of two and one). At column stride 1 a window
     * 3 or 5 columns wide slides across the tile, each input vector loaded once per kernel row for every
     * output it feeds; other windows run the taps as one flat loop over precomputed offsets. The
     * exact float sums convert to int32 and store in line: a helper taking the vectors was not inlined
     * by C2, which then boxed every accumulator (an allocation per output vector, the kernel 3x slower).
     */
    private static void convolveImage(
            float[] padded, int wp, int stride, int c, Window win, float[] weights, int[] out, int o) {
        int taps = win.kH() * win.kW();
        int[] offsets = new int[taps];
        for (int ky = 0; ky < win.kH(); ky++) {
            for (int kx = 0; kx < win.kW(); kx++) {
                offsets[ky * win.kW() + kx] = (ky * win.dH() * wp + kx * win.dW()) * stride;
            }
        }
        int step = win.sW() * stride;
        int outW = win.outW();
        // Stride and column dilation one: neighbouring outputs share inputs along the kernel row.
        boolean slides = win.sW() == 1 && win.dW() == 1 && outW >= 4;
        int rowStep = win.dH() * wp * stride;
        for (int y = 0; y < win.outH(); y++) {
            int rowOut = o + y * outW * c;
            int rowIn = y * win.sH() * wp * stride;
            for (int ch = 0; ch < c; ch += L) {
                VectorMask<Integer> mask = ch + L <= c ? null : INTS.indexInRange(ch, c);
                if (slides && win.kW() == 5) {
                    slideFive(
                            padded,
                            rowIn + ch,
                            stride,
                            rowStep,
                            win.kH(),
                            weights,
                            ch,
                            out,
                            rowOut + ch,
                            c,
                            outW,
                            mask);
                    continue;
                }
                if (slides && win.kW() == 3) {
                    slideThree(
                            padded,
                            rowIn + ch,
                            stride,
                            rowStep,
                            win.kH(),
                            weights,
                            ch,
                            out,
                            rowOut + ch,
                            c,
                            outW,
                            mask);
                    continue;
                }
                int x = 0;
                for (; x < outW && outW >= 4; x += 4) {
                    // A row that does not split into fours ends with a tile overlapping the one before:
                    // it computes a few outputs twice (the same ints) instead of running a narrower
                    // tile whose single chain of FMAs waits on each one's latency.
                    x = Math.min(x, outW - 4);
                    int base = rowIn + x * step + ch;
                    FloatVector s0 = FloatVector.zero(FLOATS);
                    FloatVector s1 = s0;
                    FloatVector s2 = s0;
                    FloatVector s3 = s0;
                    for (int t = 0; t < taps; t++) {
                        FloatVector wv = FloatVector.fromArray(FLOATS, weights, t * stride + ch);
                        int p = base + offsets[t];
                        s0 = FloatVector.fromArray(FLOATS, padded, p).fma(wv, s0);
                        s1 = FloatVector.fromArray(FLOATS, padded, p + step).fma(wv, s1);
                        s2 = FloatVector.fromArray(FLOATS, padded, p + 2 * step).fma(wv, s2);
                        s3 = FloatVector.fromArray(FLOATS, padded, p + 3 * step).fma(wv, s3);
                    }
                    int at = rowOut + x * c + ch;
                    IntVector s0i = (IntVector) s0.convertShape(VectorOperators.F2I, INTS, 0);
                    IntVector s1i = (IntVector) s1.convertShape(VectorOperators.F2I, INTS, 0);
                    IntVector s2i = (IntVector) s2.convertShape(VectorOperators.F2I, INTS, 0);
                    IntVector s3i = (IntVector) s3.convertShape(VectorOperators.F2I, INTS, 0);
                    if (mask == null) {
                        s0i.intoArray(out, at);
                        s1i.intoArray(out, at + c);
                        s2i.intoArray(out, at + 2 * c);
                        s3i.intoArray(out, at + 3 * c);
                    } else {
                        s0i.intoArray(out, at, mask);
                        s1i.intoArray(out, at + c, mask);
                        s2i.intoArray(out, at + 2 * c, mask);
                        s3i.intoArray(out, at + 3 * c, mask);
                    }
                }
                if (x + 2 <= outW) {
                    int base = rowIn + x * step + ch;
                    FloatVector s0 = FloatVector.zero(FLOATS);
                    FloatVector s1 = s0;
                    for (int t = 0; t < taps; t++) {
                        FloatVector wv = FloatVector.fromArray(FLOATS, weights, t * stride + ch);
                        int p = base + offsets[t];
                        s0 = FloatVector.fromArray(FLOATS, padded, p).fma(wv, s0);
                        s1 = FloatVector.fromArray(FLOATS, padded, p + step).fma(wv, s1);
                    }
                    int at = rowOut + x * c + ch;
                    IntVector s0i = (IntVector) s0.convertShape(VectorOperators.F2I, INTS, 0);
                    IntVector s1i = (IntVector) s1.convertShape(VectorOperators.F2I, INTS, 0);
                    if (mask == null) {
                        s0i.intoArray(out, at);
                        s1i.intoArray(out, at + c);
                    } else {
                        s0i.intoArray(out, at, mask);
                        s1i.intoArray(out, at + c, mask);
                    }
                    x += 2;
                }
                if (x < outW) {
                    int base = rowIn + x * step + ch;
                    FloatVector s = FloatVector.zero(FLOATS);
                    for (int t = 0; t < taps; t++) {
                        FloatVector wv = FloatVector.fromArray(FLOATS, weights, t * stride + ch);
                        s = FloatVector.fromArray(FLOATS, padded, base + offsets[t])
                                .fma(wv, s);
                    }
                    int at = rowOut + x * c + ch;
                    IntVector si = (IntVector) s.convertShape(VectorOperators.F2I, INTS, 0);
                    if (mask == null) {
                        si.intoArray(out, at);
                    } else {
                        si.intoArray(out, at, mask);
                    }
                }
            }
        }
    }

    /**
     * A row of outputs of a five-column window at stride one, in tiles of four positions by one vector
     * of channels: per kernel row its five weight vectors stay in registers and each of the tile's
     * eight input vectors is loaded once and feeds every output whose window covers it, 13 loads for
     * 20 FMAs where the per-tap loop makes 25. A row that does not split into fours ends with a tile
     * overlapping the one before, recomputing the same ints.
     */
    private static void slideFive(
            float[] padded,
            int in,
            int stride,
            int rowStep,
            int kH,
            float[] weights,
            int ch,
            int[] out,
            int at,
            int c,
            int outW,
            VectorMask<Integer> mask) {
        for (int x = 0; x < outW; x += 4) {
            x = Math.min(x, outW - 4);
            FloatVector s0 = FloatVector.zero(FLOATS);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int ky = 0; ky < kH; ky++) {
                int p = in + x * stride + ky * rowStep;
                int t = ky * 5 * stride + ch;
                FloatVector w0 = FloatVector.fromArray(FLOATS, weights, t);
                FloatVector w1 = FloatVector.fromArray(FLOATS, weights, t + stride);
                FloatVector w2 = FloatVector.fromArray(FLOATS, weights, t + 2 * stride);
                FloatVector w3 = FloatVector.fromArray(FLOATS, weights, t + 3 * stride);
                FloatVector w4 = FloatVector.fromArray(FLOATS, weights, t + 4 * stride);
                FloatVector v = FloatVector.fromArray(FLOATS, padded, p);
                s0 = v.fma(w0, s0);
                v = FloatVector.fromArray(FLOATS, padded, p + stride);
                s0 = v.fma(w1, s0);
                s1 = v.fma(w0, s1);
                v = FloatVector.fromArray(FLOATS, padded, p + 2 * stride);
                s0 = v.fma(w2, s0);
                s1 = v.fma(w1, s1);
                s2 = v.fma(w0, s2);
                v = FloatVector.fromArray(FLOATS, padded, p + 3 * stride);
                s0 = v.fma(w3, s0);
                s1 = v.fma(w2, s1);
                s2 = v.fma(w1, s2);
                s3 = v.fma(w0, s3);
                v = FloatVector.fromArray(FLOATS, padded, p + 4 * stride);
                s0 = v.fma(w4, s0);
                s1 = v.fma(w3, s1);
                s2 = v.fma(w2, s2);
                s3 = v.fma(w1, s3);
                v = FloatVector.fromArray(FLOATS, padded, p + 5 * stride);
                s1 = v.fma(w4, s1);
                s2 = v.fma(w3, s2);
                s3 = v.fma(w2, s3);
                v = FloatVector.fromArray(FLOATS, padded, p + 6 * stride);
                s2 = v.fma(w4, s2);
                s3 = v.fma(w3, s3);
                v = FloatVector.fromArray(FLOATS, padded, p + 7 * stride);
                s3 = v.fma(w4, s3);
            }
            int o = at + x * c;
            IntVector s0i = (IntVector) s0.convertShape(VectorOperators.F2I, INTS, 0);
            IntVector s1i = (IntVector) s1.convertShape(VectorOperators.F2I, INTS, 0);
            IntVector s2i = (IntVector) s2.convertShape(VectorOperators.F2I, INTS, 0);
            IntVector s3i = (IntVector) s3.convertShape(VectorOperators.F2I, INTS, 0);
            if (mask == null) {
                s0i.intoArray(out, o);
                s1i.intoArray(out, o + c);
                s2i.intoArray(out, o + 2 * c);
                s3i.intoArray(out, o + 3 * c);
            } else {
                s0i.intoArray(out, o, mask);
                s1i.intoArray(out, o + c, mask);
                s2i.intoArray(out, o + 2 * c, mask);
                s3i.intoArray(out, o + 3 * c, mask);
            }
        }
    }

    /** {@link #slideFive} for a three-column window: six input and three weight loads for 12 FMAs. */
    private static void slideThree(
            float[] padded,
            int in,
            int stride,
            int rowStep,
            int kH,
            float[] weights,
            int ch,
            int[] out,
            int at,
            int c,
            int outW,
            VectorMask<Integer> mask) {
        for (int x = 0; x < outW; x += 4) {
            x = Math.min(x, outW - 4);
            FloatVector s0 = FloatVector.zero(FLOATS);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int ky = 0; ky < kH; ky++) {
                int p = in + x * stride + ky * rowStep;
                int t = ky * 3 * stride + ch;
                FloatVector w0 = FloatVector.fromArray(FLOATS, weights, t);
                FloatVector w1 = FloatVector.fromArray(FLOATS, weights, t + stride);
                FloatVector w2 = FloatVector.fromArray(FLOATS, weights, t + 2 * stride);
                FloatVector v = FloatVector.fromArray(FLOATS, padded, p);
                s0 = v.fma(w0, s0);
                v = FloatVector.fromArray(FLOATS, padded, p + stride);
                s0 = v.fma(w1, s0);
                s1 = v.fma(w0, s1);
                v = FloatVector.fromArray(FLOATS, padded, p + 2 * stride);
                s0 = v.fma(w2, s0);
                s1 = v.fma(w1, s1);
                s2 = v.fma(w0, s2);
                v = FloatVector.fromArray(FLOATS, padded, p + 3 * stride);
                s1 = v.fma(w2, s1);
                s2 = v.fma(w1, s2);
                s3 = v.fma(w0, s3);
                v = FloatVector.fromArray(FLOATS, padded, p + 4 * stride);
                s2 = v.fma(w2, s2);
                s3 = v.fma(w1, s3);
                v = FloatVector.fromArray(FLOATS, padded, p + 5 * stride);
                s3 = v.fma(w2, s3);
            }
            int o = at + x * c;
            IntVector s0i = (IntVector) s0.convertShape(VectorOperators.F2I, INTS, 0);
            IntVector s1i = (IntVector) s1.convertShape(VectorOperators.F2I, INTS, 0);
            IntVector s2i = (IntVector) s2.convertShape(VectorOperators.F2I, INTS, 0);
            IntVector s3i = (IntVector) s3.convertShape(VectorOperators.F2I, INTS, 0);
            if (mask == null) {
                s0i.intoArray(out, o);
                s1i.intoArray(out, o + c);
                s2i.intoArray(out, o + 2 * c);
                s3i.intoArray(out, o + 3 * c);
            } else {
                s0i.intoArray(out, o, mask);
                s1i.intoArray(out, o + c, mask);
                s2i.intoArray(out, o + 2 * c, mask);
                s3i.intoArray(out, o + 3 * c, mask);
            }
        }
    }
}
