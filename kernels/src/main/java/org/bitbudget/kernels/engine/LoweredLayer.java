package org.bitbudget.kernels.engine;

import java.util.Arrays;
import org.bitbudget.kernels.gemm.IntGemm;
import org.bitbudget.kernels.gemm.IntKernelProvider;
import org.bitbudget.model.engine.Window;
import org.bitbudget.model.graph.Op;

/**
 * A Conv or Gemm layer lowered to one integer GEMM: a Gemm is a 1 x 1 convolution of an input with
 * h = w = 1. Weights are n x k int8 codes with k ordered (kernel row, kernel column, input channel)
 * to match NHWC im2col rows. {@link #accumulate} returns the int32 accumulators with
 * {@code fractionBits} fraction bits plus the bias at that resolution: a bias rounded to whole
 * accumulator units (s_a * s_w, coarse at 4 bits) would move many requantized codes across a rounding
 * boundary, so the lowering gives the accumulator the fraction bits its range bound leaves free.
 *
 * @param name        the layer name, for error messages
 * @param inChannels  input channels the weights expect
 * @param conv        the convolution's attributes, or null for a Gemm or MatMul
 * @param weights     n x k weight codes
 * @param weightSums  per-channel sums of the codes, for the uint8 zero-point term
 * @param bias         per-channel bias in units of 2^-fractionBits of the accumulator's scale
 * @param fractionBits  left shift of the raw accumulators, which their bound proves cannot overflow
 * @param inZeroPoint  the input's zero point (0 for signed inputs)
 */
record LoweredLayer(String name, int inChannels, Op.Conv conv, WeightCodes weights, int[] weightSums, int[] bias,
                    int fractionBits, int inZeroPoint) {

    /**
     * Accumulators of a batch, NHWC like {@link Codes}.
     *
     * @param values batch * h * w rows of n
     * @param batch  images
     * @param h      output rows
     * @param w      output columns
     */
    record Accumulators(int[] values, int batch, int h, int w) {
    }

    /** Output channels. */
    int outChannels() {
        return weights.channels();
    }

    /** Accumulators, shifted by {@code fractionBits}, plus bias, of a batch of input codes. */
    Accumulators accumulate(Codes in) {
        if (in.c() != inChannels || (conv == null && in.h() * in.w() != 1)) {
            throw new IllegalArgumentException("layer " + name + ": expects " + inChannels
                    + " input channels" + (conv == null ? " and no spatial axes" : "") + ", got c=" + in.c()
                    + ", h=" + in.h() + ", w=" + in.w());
        }
        Window win = conv == null ? null : in.window(conv.kernel(), conv.strides(), conv.pads(),
                conv.dilations(), conv.autoPad(), false);
        int oh = win == null ? 1 : win.outH();
        int ow = win == null ? 1 : win.outW();
        int k = weights.k();
        int n = outChannels();
        int m = in.batch() * oh * ow;
        byte[] a = win == null ? in.data() : im2col(in, win);
        int[] acc = new int[m * n];
        IntGemm gemm = IntKernelProvider.get();
        if (in.unsigned()) {
            gemm.gemmU8(m, n, k, a, 0, k, inZeroPoint, weights.codes(), 0, k, weightSums, acc, 0, n);
        } else {
            gemm.gemmS8(m, n, k, a, 0, k, weights.codes(), 0, k, acc, 0, n);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                acc[i * n + j] = (acc[i * n + j] << fractionBits) + bias[j];
            }
        }
        return new Accumulators(acc, in.batch(), oh, ow);
    }

    /**
     * One row per output position, (kernel row, kernel column, channel) along it; padding holds the
     * zero point's byte, the code of real zero, so that it contributes nothing to the sum.
     */
    private byte[] im2col(Codes in, Window win) {
        int c = in.c();
        int k = win.kH() * win.kW() * c;
        byte[] src = in.data();
        byte[] a = new byte[in.batch() * win.outH() * win.outW() * k];
        byte pad = (byte) inZeroPoint;
        int row = 0;
        for (int b = 0; b < in.batch(); b++) {
            int image = b * in.h() * in.w() * c;
            for (int y = 0; y < win.outH(); y++) {
                for (int x = 0; x < win.outW(); x++, row++) {
                    int dst = row * k;
                    int x0 = x * win.sW() - win.padLeft();
                    // Without column dilation a kernel row inside the image is one contiguous NHWC run.
                    boolean runs = win.dW() == 1 && x0 >= 0 && x0 + win.kW() <= in.w();
                    for (int ky = 0; ky < win.kH(); ky++) {
                        int iy = y * win.sH() - win.padTop() + ky * win.dH();
                        if (runs && iy >= 0 && iy < in.h()) {
                            System.arraycopy(src, image + (iy * in.w() + x0) * c, a, dst, win.kW() * c);
                            dst += win.kW() * c;
                        } else {
                            for (int kx = 0; kx < win.kW(); kx++, dst += c) {
                                int ix = x0 + kx * win.dW();
                                if (iy < 0 || iy >= in.h() || ix < 0 || ix >= in.w()) {
                                    Arrays.fill(a, dst, dst + c, pad);
                                } else {
                                    System.arraycopy(src, image + (iy * in.w() + ix) * c, a, dst, c);
                                }
                            }
                        }
                    }
                }
            }
        }
        return a;
    }
}
