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
 * integer kernel's one chain per position waits on each add). The exact float sums convert to
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

    /** One padded image's outputs, from {@code out[o]}: rows, then vectors of channels, then tiles of positions. */
    private static void convolveImage(
            float[] padded, int wp, int stride, int c, Window win, float[] weights, int[] out, int o) {
        int step = win.sW() * stride;
        for (int y = 0; y < win.outH(); y++) {
            int rowOut = o + y * win.outW() * c;
            for (int ch = 0; ch < c; ch += L) {
                VectorMask<Integer> mask = ch + L <= c ? null : INTS.indexInRange(ch, c);
                int x = 0;
                for (; x + 4 <= win.outW(); x += 4) {
                    FloatVector s0 = FloatVector.zero(FLOATS);
                    FloatVector s1 = s0;
                    FloatVector s2 = s0;
                    FloatVector s3 = s0;
                    for (int ky = 0; ky < win.kH(); ky++) {
                        int row = (y * win.sH() + ky * win.dH()) * wp + x * win.sW();
                        for (int kx = 0; kx < win.kW(); kx++) {
                            FloatVector wv = FloatVector.fromArray(FLOATS, weights, (ky * win.kW() + kx) * stride + ch);
                            int p = (row + kx * win.dW()) * stride + ch;
                            s0 = FloatVector.fromArray(FLOATS, padded, p).fma(wv, s0);
                            s1 = FloatVector.fromArray(FLOATS, padded, p + step).fma(wv, s1);
                            s2 = FloatVector.fromArray(FLOATS, padded, p + 2 * step)
                                    .fma(wv, s2);
                            s3 = FloatVector.fromArray(FLOATS, padded, p + 3 * step)
                                    .fma(wv, s3);
                        }
                    }
                    int at = rowOut + x * c + ch;
                    store(s0, out, at, mask);
                    store(s1, out, at + c, mask);
                    store(s2, out, at + 2 * c, mask);
                    store(s3, out, at + 3 * c, mask);
                }
                for (; x < win.outW(); x++) {
                    FloatVector s = FloatVector.zero(FLOATS);
                    for (int ky = 0; ky < win.kH(); ky++) {
                        int row = (y * win.sH() + ky * win.dH()) * wp + x * win.sW();
                        for (int kx = 0; kx < win.kW(); kx++) {
                            FloatVector wv = FloatVector.fromArray(FLOATS, weights, (ky * win.kW() + kx) * stride + ch);
                            s = FloatVector.fromArray(FLOATS, padded, (row + kx * win.dW()) * stride + ch)
                                    .fma(wv, s);
                        }
                    }
                    store(s, out, rowOut + x * c + ch, mask);
                }
            }
        }
    }

    /** The exact float sums as int32 into {@code out}; lanes outside {@code mask} (null: none) left alone. */
    private static void store(FloatVector sum, int[] out, int at, VectorMask<Integer> mask) {
        IntVector v = (IntVector) sum.convertShape(VectorOperators.F2I, INTS, 0);
        if (mask == null) {
            v.intoArray(out, at);
        } else {
            v.intoArray(out, at, mask);
        }
    }
}
