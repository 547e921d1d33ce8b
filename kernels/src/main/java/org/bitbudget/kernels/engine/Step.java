package org.bitbudget.kernels.engine;

import org.bitbudget.kernels.requant.Requantization;
import org.bitbudget.model.engine.Window;
import org.bitbudget.model.graph.Op;

/** One step of the integer plan between the input quantizer and the last layer: codes in, codes out. */
sealed interface Step {

    /** Runs the step on a batch. */
    Codes apply(Codes in);

    /**
     * A layer whose accumulators are requantized per output channel to the next layer's input
     * format, with the following ReLU or Clip fused as the clamp range [min, max].
     *
     * @param layer       the layer
     * @param multipliers per-channel Q0.31 multipliers of {@code s_a * s_w[j] / s_out}
     * @param shifts      per-channel right shifts
     * @param zeroPoint   the next layer's input zero point
     * @param min         smallest output code
     * @param max         largest output code
     * @param unsigned    whether the output codes are unsigned
     */
    record Requantize(LoweredLayer layer, int[] multipliers, int[] shifts, int zeroPoint, int min, int max,
                      boolean unsigned) implements Step {
        @Override
        public Codes apply(Codes in) {
            LoweredLayer.Accumulators acc = layer.accumulate(in);
            int n = layer.outChannels();
            int m = acc.values().length / n;
            byte[] out = new byte[acc.values().length];
            Requantization.requantizeRows(m, n, acc.values(), 0, n, null, multipliers, shifts, zeroPoint, min, max,
                    out, 0, n);
            return new Codes(out, acc.batch(), acc.h(), acc.w(), n, unsigned);
        }
    }

    /**
     * Max pooling on the codes, which commutes with a per-tensor affine quantizer because it is
     * monotone; padded positions are skipped, as ONNX's -infinity padding never wins.
     *
     * @param pool the pooling attributes (kind MAX)
     */
    record MaxPool(Op.Pool pool) implements Step {
        @Override
        public Codes apply(Codes in) {
            Window win = in.window(pool.kernel(), pool.strides(), pool.pads(), pool.dilations(), pool.autoPad(),
                    pool.ceilMode());
            int c = in.c();
            byte[] out = new byte[in.batch() * win.outH() * win.outW() * c];
            int o = 0;
            for (int b = 0; b < in.batch(); b++) {
                int image = b * in.h() * in.w() * c;
                for (int y = 0; y < win.outH(); y++) {
                    for (int x = 0; x < win.outW(); x++) {
                        for (int ch = 0; ch < c; ch++) {
                            int best = Integer.MIN_VALUE;
                            for (int ky = 0; ky < win.kH(); ky++) {
                                int iy = y * win.sH() - win.padTop() + ky * win.dH();
                                for (int kx = 0; kx < win.kW(); kx++) {
                                    int ix = x * win.sW() - win.padLeft() + kx * win.dW();
                                    if (iy >= 0 && iy < in.h() && ix >= 0 && ix < in.w()) {
                                        best = Math.max(best, in.get(image + (iy * in.w() + ix) * c + ch));
                                    }
                                }
                            }
                            out[o++] = (byte) best;
                        }
                    }
                }
            }
            return new Codes(out, in.batch(), win.outH(), win.outW(), c, in.unsigned());
        }
    }

    /** ONNX Flatten at axis 1: NHWC codes to one row per image in ONNX's (c, h, w) order. */
    record Flatten() implements Step {
        @Override
        public Codes apply(Codes in) {
            int hw = in.h() * in.w();
            int per = hw * in.c();
            byte[] out = new byte[in.data().length];
            for (int b = 0; b < in.batch(); b++) {
                for (int p = 0; p < hw; p++) {
                    for (int ch = 0; ch < in.c(); ch++) {
                        out[b * per + ch * hw + p] = in.data()[b * per + p * in.c() + ch];
                    }
                }
            }
            return new Codes(out, in.batch(), 1, 1, per, in.unsigned());
        }
    }
}
