package org.bitbudget.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.Convolution;
import org.bitbudget.ops.compute.sgemm.PackedSgemm;
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
 * Single-thread GMAC/s of {@link Convolution#forward} (3x3, pad 1, bias, fused Relu, weights packed
 * once) on the dense convolutions of resnet8, one chunk of 32 images as the float engine runs them:
 * <ul>
 *   <li>{@code stem}: 1 -> 16 channels, 28 x 28;
 *   <li>{@code stage1}: 16 -> 16, 28 x 28 (both convolutions of the stage);
 *   <li>{@code stage2down}: 16 -> 32, 28 x 28 at stride 2;
 *   <li>{@code stage2}: 32 -> 32, 14 x 14;
 *   <li>{@code stage3down}: 32 -> 32, 14 x 14 at stride 2;
 *   <li>{@code stage3}: 32 -> 32, 7 x 7.
 * </ul>
 * The secondary metric {@code ·gmac} is GMAC/s (useful multiply-adds only); divided by
 * {@link FmaPeakBenchmark}'s it is the layer's efficiency. The input stays the same between calls,
 * so it is read from cache as far as its size allows, as the previous layer's fresh output would be;
 * the output array is reused, as the engine reuses it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvLayerBenchmark {

    /** Images per call: the float engine's chunk. */
    static final int IMAGES = 32;

    /** Which layer; see the class comment. */
    @Param({"stem", "stage1", "stage2down", "stage2", "stage3down", "stage3"})
    public String layer;

    private Op.Conv conv;
    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private PackedSgemm gemm;
    private Convolution.PackedFilter packed;
    private Allocator reuse;
    private double gmacPerCall;

    /** in channels, out channels, input height = width, stride. */
    static int[] geometry(String layer) {
        return switch (layer) {
            case "stem" -> new int[] {1, 16, 28, 1};
            case "stage1" -> new int[] {16, 16, 28, 1};
            case "stage2down" -> new int[] {16, 32, 28, 2};
            case "stage2" -> new int[] {32, 32, 14, 1};
            case "stage3down" -> new int[] {32, 32, 14, 2};
            case "stage3" -> new int[] {32, 32, 7, 1};
            default -> throw new IllegalArgumentException("no layer " + layer);
        };
    }

    @Setup
    public void setUp() {
        setUp(PackedSgemmFamily.get());
    }

    void setUp(PackedSgemm kernel) {
        int[] g = geometry(layer);
        int c = g[0];
        int m = g[1];
        int hw = g[2];
        int stride = g[3];
        SplittableRandom random = new SplittableRandom(17L * c + m + hw);
        x = Tensor.of(Shape.of(IMAGES, c, hw, hw), values(random, IMAGES * c * hw * hw));
        w = Tensor.of(Shape.of(m, c, 3, 3), values(random, m * c * 9));
        bias = Tensor.of(Shape.of(m), values(random, m));
        conv = new Op.Conv(
                new int[] {3, 3},
                new int[] {stride, stride},
                new int[] {1, 1, 1, 1},
                new int[] {1, 1},
                1,
                Op.AutoPad.NOTSET);
        gemm = kernel;
        packed = Convolution.pack(gemm, w, bias, 1);
        int out = (hw - 1) / stride + 1;
        float[] output = new float[IMAGES * m * out * out];
        reuse = size -> output;
        gmacPerCall = (double) IMAGES * m * c * 9 * out * out / 1e9;
    }

    private static float[] values(SplittableRandom random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }

    /** The layer's outputs (Relu applied) for the chunk. */
    @Benchmark
    public float[] conv(MacCounter counter) {
        float[] y = Convolution.forward(conv, x, w, bias, gemm, packed, new Activation.Relu(), reuse)
                .data();
        counter.gmac += gmacPerCall;
        return y;
    }
}
