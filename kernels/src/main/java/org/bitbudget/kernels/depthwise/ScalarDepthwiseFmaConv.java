package org.bitbudget.kernels.depthwise;

import org.bitbudget.ops.compute.Window;

/**
 * The scalar twin of {@link VectorDepthwiseFmaConv}: one output at a time, the same fp32 FMA chain
 * over the window's taps in the same order, taps outside the image skipped (they hold real zero).
 */
public final class ScalarDepthwiseFmaConv implements DepthwiseFmaConv {

    @Override
    public Weights pack(byte[] codes, int c, int taps) {
        float[] data = new float[taps * c];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < taps; t++) {
                data[t * c + ch] = codes[ch * taps + t];
            }
        }
        return new Weights(data, c, taps, c, DepthwiseFmaConv.maxL1(codes, c, taps));
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
        float[] wf = weights.data();
        int stride = weights.stride();
        int o = 0;
        for (int b = 0; b < batch; b++) {
            int image = b * h * w * c;
            for (int y = 0; y < win.outH(); y++) {
                for (int x = 0; x < win.outW(); x++) {
                    for (int ch = 0; ch < c; ch++) {
                        float sum = 0f;
                        for (int ky = 0; ky < win.kH(); ky++) {
                            int iy = y * win.sH() - win.padTop() + ky * win.dH();
                            for (int kx = 0; kx < win.kW(); kx++) {
                                int ix = x * win.sW() - win.padLeft() + kx * win.dW();
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    int i = image + (iy * w + ix) * c + ch;
                                    int code = unsigned ? in[i] & 0xFF : in[i];
                                    sum = Math.fma(
                                            (float) (code - zeroPoint), wf[(ky * win.kW() + kx) * stride + ch], sum);
                                }
                            }
                        }
                        out[o++] = (int) sum;
                    }
                }
            }
        }
    }
}
