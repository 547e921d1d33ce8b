package org.bitbudget.kernels.depthwise;

import org.bitbudget.ops.compute.Window;

/** The scalar twin of {@link VectorDepthwiseIntConv}: the definition, one output at a time. */
public final class ScalarDepthwiseIntConv implements DepthwiseIntConv {

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
        int o = 0;
        for (int b = 0; b < batch; b++) {
            int image = b * h * w * c;
            for (int y = 0; y < win.outH(); y++) {
                for (int x = 0; x < win.outW(); x++) {
                    for (int ch = 0; ch < c; ch++) {
                        int sum = 0;
                        for (int ky = 0; ky < win.kH(); ky++) {
                            int iy = y * win.sH() - win.padTop() + ky * win.dH();
                            for (int kx = 0; kx < win.kW(); kx++) {
                                int ix = x * win.sW() - win.padLeft() + kx * win.dW();
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    int i = image + (iy * w + ix) * c + ch;
                                    int code = unsigned ? in[i] & 0xFF : in[i];
                                    sum += (code - zeroPoint) * weights[(ky * win.kW() + kx) * c + ch];
                                }
                            }
                        }
                        out[o++] = sum;
                    }
                }
            }
        }
    }
}
