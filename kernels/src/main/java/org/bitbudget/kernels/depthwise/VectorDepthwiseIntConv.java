package org.bitbudget.kernels.depthwise;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link DepthwiseIntConv}: lanes are channels, which NHWC keeps contiguous, so each tap
 * of an output position is one load of codes (widened to ints, sign- or zero-extended), one subtract
 * of the zero point, one multiply by the tap's weight vector and one add; the last vector of
 * channels is masked. Taps outside the image are skipped, as in the scalar twin.
 *
 * <p>Runs at the width {@link VectorWidth} gives its class; {@link DepthwiseIntConvFamily} uses it from
 * 256 bits up.
 */
public final class VectorDepthwiseIntConv implements DepthwiseIntConv {
    private static final VectorSpecies<Integer> INTS =
            VectorSpecies.of(int.class, VectorWidth.of(MethodHandles.lookup()));
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.length() * Byte.SIZE));
    private static final int L = INTS.length();

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
            int[] weights,
            int[] out) {
        VectorOperators.Conversion<Byte, Integer> widen =
                unsigned ? VectorOperators.ZERO_EXTEND_B2I : VectorOperators.B2I;
        IntVector zero = IntVector.broadcast(INTS, zeroPoint);
        int o = 0;
        for (int b = 0; b < batch; b++) {
            int image = b * h * w * c;
            for (int y = 0; y < win.outH(); y++) {
                int y0 = y * win.sH() - win.padTop();
                for (int x = 0; x < win.outW(); x++, o += c) {
                    int x0 = x * win.sW() - win.padLeft();
                    int ch = 0;
                    for (; ch + L <= c; ch += L) {
                        IntVector sum = IntVector.zero(INTS);
                        for (int ky = 0; ky < win.kH(); ky++) {
                            int iy = y0 + ky * win.dH();
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < win.kW(); kx++) {
                                int ix = x0 + kx * win.dW();
                                if (ix >= 0 && ix < w) {
                                    IntVector codes =
                                            (IntVector) ByteVector.fromArray(BYTES, in, image + (iy * w + ix) * c + ch)
                                                    .convertShape(widen, INTS, 0);
                                    IntVector wv = IntVector.fromArray(INTS, weights, (ky * win.kW() + kx) * c + ch);
                                    sum = codes.sub(zero).mul(wv).add(sum);
                                }
                            }
                        }
                        sum.intoArray(out, o + ch);
                    }
                    if (ch < c) {
                        VectorMask<Integer> mask = INTS.indexInRange(ch, c);
                        VectorMask<Byte> byteMask = BYTES.indexInRange(ch, c);
                        IntVector sum = IntVector.zero(INTS);
                        for (int ky = 0; ky < win.kH(); ky++) {
                            int iy = y0 + ky * win.dH();
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < win.kW(); kx++) {
                                int ix = x0 + kx * win.dW();
                                if (ix >= 0 && ix < w) {
                                    IntVector codes = (IntVector)
                                            ByteVector.fromArray(BYTES, in, image + (iy * w + ix) * c + ch, byteMask)
                                                    .convertShape(widen, INTS, 0);
                                    IntVector wv =
                                            IntVector.fromArray(INTS, weights, (ky * win.kW() + kx) * c + ch, mask);
                                    sum = codes.sub(zero).mul(wv).add(sum);
                                }
                            }
                        }
                        sum.intoArray(out, o + ch, mask);
                    }
                }
            }
        }
    }
}
