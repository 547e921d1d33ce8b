package org.bitbudget.ops.compute.depthwise;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API depthwise convolution: each vector holds consecutive outputs of one row, and every tap
 * is one broadcast weight times one contiguous load of the padded row (unit stride along the width),
 * so a lane's chain is the scalar twin's chain. Two vectors of a row are computed together to share
 * the weight broadcasts; the row's tail is one masked vector (lanes past the row neither loaded nor
 * stored).
 */
public final class VectorDepthwiseConv implements DepthwiseConv {
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = SPECIES.length();

    @Override
    public void convolve(
            float[] in,
            int inOff,
            int inW,
            float[] w,
            int wOff,
            int kH,
            int kW,
            int dH,
            int dW,
            int sH,
            float bias,
            float[] out,
            int outOff,
            int outH,
            int outW) {
        FloatVector biasV = FloatVector.broadcast(SPECIES, bias);
        for (int oh = 0; oh < outH; oh++) {
            int rowIn = inOff + oh * sH * inW;
            int rowOut = outOff + oh * outW;
            int ow = 0;
            for (; ow + 2 * L <= outW; ow += 2 * L) {
                FloatVector acc0 = biasV;
                FloatVector acc1 = biasV;
                for (int ki = 0; ki < kH; ki++) {
                    int src = rowIn + ki * dH * inW + ow;
                    for (int kj = 0; kj < kW; kj++) {
                        FloatVector wv = FloatVector.broadcast(SPECIES, w[wOff + ki * kW + kj]);
                        int at = src + kj * dW;
                        acc0 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, at), acc0);
                        acc1 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, at + L), acc1);
                    }
                }
                acc0.intoArray(out, rowOut + ow);
                acc1.intoArray(out, rowOut + ow + L);
            }
            for (; ow < outW; ow += L) {
                VectorMask<Float> mask = SPECIES.indexInRange(ow, outW);
                FloatVector acc = biasV;
                for (int ki = 0; ki < kH; ki++) {
                    int src = rowIn + ki * dH * inW + ow;
                    for (int kj = 0; kj < kW; kj++) {
                        FloatVector x = FloatVector.fromArray(SPECIES, in, src + kj * dW, mask);
                        acc = FloatVector.broadcast(SPECIES, w[wOff + ki * kW + kj])
                                .lanewise(VectorOperators.FMA, x, acc);
                    }
                }
                acc.intoArray(out, rowOut + ow, mask);
            }
        }
    }
}
