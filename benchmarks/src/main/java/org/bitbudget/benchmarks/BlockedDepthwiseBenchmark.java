package org.bitbudget.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.Convolution;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.blocked.BlockedDepthwiseConv;
import org.bitbudget.ops.compute.blocked.BlockedDepthwiseWeights;
import org.bitbudget.ops.compute.sgemm.PackedSgemmFamily;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread GMAC/s of the four depthwise convolutions of the MobileNetV3-style model (bias, with
 * the activation that follows each), one chunk of 32 images as the float engine runs them, on two
 * routes: {@code nchw}, today's {@link Convolution#forward} on NCHW planes with the activation, and
 * {@code blocked}, {@link BlockedDepthwiseConv} on the same images already in the NCHWc16 layout
 * (bit-identical outputs, after a reorder):
 * <ul>
 *   <li>{@code blocks0}: 16 channels, 14 x 14, 3 x 3, stride 1, Relu;
 *   <li>{@code blocks1}: 48 channels, 14 x 14, 3 x 3, stride 2, Relu;
 *   <li>{@code blocks2}: 72 channels, 7 x 7, 5 x 5, stride 1, HardSwish;
 *   <li>{@code blocks3}: 96 channels, 7 x 7, 5 x 5, stride 1, HardSwish.
 * </ul>
 * The secondary metric {@code ·gmac} is GMAC/s (useful multiply-adds only). Inputs stay the same
 * between calls and output arrays are reused, as in {@link ConvLayerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BlockedDepthwiseBenchmark {

    /** Images per call: the float engine's chunk. */
    static final int IMAGES = 32;

    /** Which layer; see the class comment. */
    @Param({"blocks0", "blocks1", "blocks2", "blocks3"})
    public String layer;

    Op.Conv conv;
    Tensor x;
    Tensor w;
    Tensor bias;
    Activation activation;
    Window window;
    BlockedDepthwiseWeights weights;
    BlockedDepthwiseConv kernel;
    float[] blockedIn;
    float[] blockedOut;
    private Convolution.PackedFilter packed;
    private Allocator reuse;
    private double gmacPerCall;

    /** channels, input height = width, kernel, stride. */
    static int[] geometry(String layer) {
        return switch (layer) {
            case "blocks0" -> new int[] {16, 14, 3, 1};
            case "blocks1" -> new int[] {48, 14, 3, 2};
            case "blocks2" -> new int[] {72, 7, 5, 1};
            case "blocks3" -> new int[] {96, 7, 5, 1};
            default -> throw new IllegalArgumentException("no layer " + layer);
        };
    }

    @Setup
    public void setUp() {
        setUp(BlockedDepthwiseConv.get());
    }

    void setUp(BlockedDepthwiseConv blockedKernel) {
        int[] g = geometry(layer);
        int c = g[0];
        int hw = g[1];
        int k = g[2];
        int stride = g[3];
        SplittableRandom random = new SplittableRandom(17L * c + hw + k);
        x = Tensor.of(Shape.of(IMAGES, c, hw, hw), values(random, IMAGES * c * hw * hw));
        w = Tensor.of(Shape.of(c, 1, k, k), values(random, c * k * k));
        bias = Tensor.of(Shape.of(c), values(random, c));
        int pad = k / 2;
        conv = new Op.Conv(
                new int[] {k, k},
                new int[] {stride, stride},
                new int[] {pad, pad, pad, pad},
                new int[] {1, 1},
                c,
                Op.AutoPad.NOTSET);
        activation = k == 3 ? new Activation.Relu() : new Activation.HardSwish();
        window = Window.resolve(
                new int[] {hw, hw}, conv.kernel(), conv.strides(), conv.pads(), null, Op.AutoPad.NOTSET, false);
        packed = Convolution.pack(PackedSgemmFamily.get(), w, bias, c);
        int out = window.outH() * window.outW();
        float[] output = new float[IMAGES * c * out];
        reuse = size -> output;
        weights = BlockedDepthwiseWeights.pack(w.data(), 0, bias.data(), 0, c, k, k);
        kernel = blockedKernel;
        int blocks = weights.blocks();
        blockedIn = new float[IMAGES * blocks * hw * hw * 16];
        for (int img = 0; img < IMAGES; img++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < hw * hw; i++) {
                    blockedIn[((img * blocks + ch / 16) * hw * hw + i) * 16 + ch % 16] =
                            x.data()[(img * c + ch) * hw * hw + i];
                }
            }
        }
        blockedOut = new float[IMAGES * blocks * out * 16];
        gmacPerCall = (double) IMAGES * c * k * k * out / 1e9;
    }

    private static float[] values(SplittableRandom random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }

    /** Today's route: the NCHW outputs, activation applied, for the chunk. */
    @Benchmark
    public float[] nchw(MacCounter counter) {
        float[] y = Convolution.forward(conv, x, w, bias, PackedSgemmFamily.get(), packed, activation, reuse)
                .data();
        counter.gmac += gmacPerCall;
        return y;
    }

    /** The blocked route: the NCHWc16 outputs, activation applied, for the chunk. */
    @Benchmark
    public float[] blocked(MacCounter counter) {
        kernel.convolve(blockedIn, 0, IMAGES, window, weights, activation, blockedOut, 0);
        counter.gmac += gmacPerCall;
        return blockedOut;
    }
}
