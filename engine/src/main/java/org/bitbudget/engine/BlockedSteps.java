package org.bitbudget.engine;

import java.util.Arrays;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.blocked.BlockedConvolution;
import org.bitbudget.ops.compute.blocked.BlockedDepthwiseConv;
import org.bitbudget.ops.compute.blocked.BlockedDepthwiseWeights;
import org.bitbudget.ops.compute.blocked.BlockedPooling;
import org.bitbudget.ops.compute.blocked.BlockedScale;
import org.bitbudget.ops.compute.blocked.ChannelBlocked16;

/**
 * The kernels {@link BlockedPlan} gives the steps other than one-group convolutions that read or write
 * a value in 16-channel blocks ({@link ChannelBlocked16}): a depthwise convolution with its fused
 * activation, a GlobalAveragePool and the squeeze-excitation Mul by a [N, C, 1, 1] scale. Each takes
 * its first input blocked or NCHW and returns its result in the form the plan asks for; an input the
 * blocked kernel cannot take (shapes it does not expect) goes through the step's NCHW kernel, reordered
 * on the way in and out, so the results are always those of the NCHW plan.
 */
final class BlockedSteps {
    private BlockedSteps() {}

    /**
     * The depthwise convolution {@code conv} (filter [C, 1, kH, kW], {@code bias} or null) followed by
     * {@code activation} (or null).
     */
    static FloatKernel depthwise(
            Op.Conv conv,
            Tensor weight,
            Tensor bias,
            Activation activation,
            boolean inBlocked,
            boolean outBlocked,
            FloatKernel planar) {
        int channels = weight.shape().dim(0);
        int[] kernel = Arrays.copyOfRange(weight.shape().dims(), 2, 4);
        BlockedDepthwiseWeights weights = BlockedDepthwiseWeights.pack(
                weight.data(), 0, bias == null ? null : bias.data(), 0, channels, kernel[0], kernel[1]);
        BlockedDepthwiseConv dw = BlockedDepthwiseConv.get();
        FloatKernel fallback = viaPlanar(planar, new int[] {inBlocked ? channels : -1}, outBlocked ? channels : -1);
        return (in, alloc) -> {
            Shape xs = in[0].shape();
            int n = xs.dim(0);
            Window win = Window.resolve(
                    new int[] {xs.dim(2), xs.dim(3)},
                    kernel,
                    conv.strides(),
                    conv.pads(),
                    conv.dilations(),
                    conv.autoPad(),
                    false);
            boolean negativePads = win.padTop() < 0 || win.padLeft() < 0 || win.padBottom() < 0 || win.padRight() < 0;
            if (xs.rank() != 4 || xs.dim(1) != (inBlocked ? roundUp(channels) : channels) || negativePads) {
                return fallback.apply(in, alloc);
            }
            int inPixels = xs.dim(2) * xs.dim(3);
            float[] src = in[0].data();
            if (!inBlocked) {
                src = new float[n * ChannelBlocked16.imageSize(channels, inPixels)];
                ChannelBlocked16.fromPlanar(in[0].data(), 0, n, channels, inPixels, src, 0);
            }
            int pixels = win.outH() * win.outW();
            int size = n * ChannelBlocked16.imageSize(channels, pixels);
            float[] out = outBlocked ? alloc.take(size) : new float[size];
            dw.convolve(src, 0, n, win, weights, activation, out, 0);
            Shape outShape = Shape.of(n, channels, win.outH(), win.outW());
            if (outBlocked) {
                return new Tensor[] {Tensor.of(BlockedConvolution.blockedShape(outShape), out)};
            }
            float[] planarOut = alloc.take(outShape.size());
            ChannelBlocked16.toPlanar(out, 0, n, channels, pixels, planarOut, 0);
            return new Tensor[] {Tensor.of(outShape, planarOut)};
        };
    }

    /** GlobalAveragePool of a blocked value of {@code channels} channels: an NCHW [N, C, 1, 1] result. */
    static FloatKernel globalAverage(int channels, FloatKernel planar) {
        BlockedPooling pooling = BlockedPooling.get();
        FloatKernel fallback = viaPlanar(planar, new int[] {channels}, -1);
        return (in, alloc) -> {
            Shape xs = in[0].shape();
            if (xs.rank() != 4 || xs.dim(1) != roundUp(channels)) {
                return fallback.apply(in, alloc);
            }
            int n = xs.dim(0);
            int pixels = xs.dim(2) * xs.dim(3);
            int image = ChannelBlocked16.imageSize(channels, pixels);
            float[] out = alloc.take(n * channels);
            for (int img = 0; img < n; img++) {
                pooling.globalAverage(in[0].data(), img * image, channels, pixels, out, img * channels);
            }
            return new Tensor[] {Tensor.of(Shape.of(n, channels, 1, 1), out)};
        };
    }

    /**
     * The Mul of a value of {@code channels} channels (its first input) by a [N, C, 1, 1] scale (its
     * second, NCHW).
     */
    static FloatKernel scale(int channels, boolean inBlocked, boolean outBlocked, FloatKernel planar) {
        BlockedScale scale = BlockedScale.get();
        FloatKernel fallback = viaPlanar(planar, new int[] {inBlocked ? channels : -1, -1}, outBlocked ? channels : -1);
        return (in, alloc) -> {
            Shape xs = in[0].shape();
            Shape ss = in[1].shape();
            boolean fits = xs.rank() == 4
                    && xs.dim(1) == (inBlocked ? roundUp(channels) : channels)
                    && ss.equals(Shape.of(xs.dim(0), channels, 1, 1));
            if (!fits) {
                return fallback.apply(in, alloc);
            }
            int n = xs.dim(0);
            int pixels = xs.dim(2) * xs.dim(3);
            int image = ChannelBlocked16.imageSize(channels, pixels);
            float[] x = in[0].data();
            if (!inBlocked) {
                x = new float[n * image];
                ChannelBlocked16.fromPlanar(in[0].data(), 0, n, channels, pixels, x, 0);
            }
            float[] out = outBlocked ? alloc.take(n * image) : new float[n * image];
            for (int img = 0; img < n; img++) {
                scale.multiply(x, img * image, channels, pixels, in[1].data(), img * channels, out, img * image);
            }
            Shape outShape = Shape.of(n, channels, xs.dim(2), xs.dim(3));
            if (outBlocked) {
                return new Tensor[] {Tensor.of(BlockedConvolution.blockedShape(outShape), out)};
            }
            float[] planarOut = alloc.take(outShape.size());
            ChannelBlocked16.toPlanar(out, 0, n, channels, pixels, planarOut, 0);
            return new Tensor[] {Tensor.of(outShape, planarOut)};
        };
    }

    /**
     * {@code planar} with its blocked inputs reordered to NCHW first ({@code inChannels[i]}: the true
     * channels of blocked input i, -1 for an NCHW one) and its first output reordered to blocked when
     * {@code outChannels} is not -1.
     */
    static FloatKernel viaPlanar(FloatKernel planar, int[] inChannels, int outChannels) {
        return (in, alloc) -> {
            Tensor[] inputs = in.clone();
            for (int i = 0; i < Math.min(inChannels.length, inputs.length); i++) {
                if (inChannels[i] >= 0) {
                    inputs[i] = BlockedConvolution.planar(inputs[i], inChannels[i]);
                }
            }
            if (outChannels < 0) {
                return planar.apply(inputs, alloc);
            }
            Tensor[] results = planar.apply(inputs, float[]::new);
            Shape s = results[0].shape();
            int pixels = s.size() / (s.dim(0) * s.dim(1));
            Shape blocked = BlockedConvolution.blockedShape(s);
            float[] out = alloc.take(blocked.size());
            ChannelBlocked16.fromPlanar(results[0].data(), 0, s.dim(0), s.dim(1), pixels, out, 0);
            results[0] = Tensor.of(blocked, out);
            return results;
        };
    }

    private static int roundUp(int channels) {
        return ChannelBlocked16.blocks(channels) * ChannelBlocked16.BLOCK;
    }
}
