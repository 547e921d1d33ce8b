package org.bitbudget.kernels.engine;

import org.bitbudget.ir.quant.IntegerFormat;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.kernels.requant.RequantizerFamily;

/** Float values to activation codes with the fake quantizer's float32 steps, for the plan's quantizing steps. */
final class FloatCodes {
    private FloatCodes() {}

    /**
     * {@code batch} NCHW images of floats from {@code data[base]} as NHWC codes, with the float32 steps
     * of the fake quantizer: an integer format's on the {@link RequantizerFamily} kernel, a plane at a
     * time into a scratch plane and then transposed (bytes move cheaper than floats); any other format
     * one value at a time through its own {@code quantize}.
     */
    static void quantizeNchw(
            float[] data,
            int base,
            int batch,
            int c,
            int hw,
            NumberFormat format,
            RangeSearch.Params params,
            int min,
            int max,
            byte[] codes) {
        float scale = params.scale();
        float zeroPoint = params.zeroPoint();
        int per = c * hw;
        if (format instanceof IntegerFormat f && !f.signOnly()) {
            boolean direct = c == 1 || hw == 1;
            byte[] plane = direct ? codes : new byte[per];
            for (int b = 0; b < batch; b++) {
                RequantizerFamily.get()
                        .quantizeFloats(
                                per, data, base + b * per, scale, zeroPoint, min, max, plane, direct ? b * per : 0);
                if (!direct) {
                    int out = b * per;
                    for (int ch = 0; ch < c; ch++) {
                        int row = ch * hw;
                        for (int p = 0; p < hw; p++) {
                            codes[out + p * c + ch] = plane[row + p];
                        }
                    }
                }
            }
            return;
        }
        for (int b = 0; b < batch; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    float t = data[base + b * per + ch * hw + p] / scale;
                    if (zeroPoint != 0f) {
                        t = (float) Math.rint(t) + zeroPoint;
                    }
                    codes[b * per + p * c + ch] = (byte) Math.clamp((int) format.quantize(t), min, max);
                }
            }
        }
    }
}
