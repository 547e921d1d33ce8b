package org.bitbudget.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bitbudget.ops.compute.sgemm.ScalarSgemm;
import org.bitbudget.ops.compute.sgemm.Sgemm;
import org.bitbudget.ops.compute.sgemm.VectorSgemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread GFLOP/s of {@link VectorSgemm} against its scalar twin {@link ScalarSgemm} on
 * {@code C += A * B} at the shapes lenet5 gives the matrix kernel, plus a square one:
 * <ul>
 *   <li>{@code c1_6x25x784}: conv c1 as im2col, m = 6 filters, k = 1 x 5 x 5, n = 28 x 28 pixels;
 *   <li>{@code c2_16x150x100}: conv c2, m = 16, k = 6 x 5 x 5, n = 10 x 10;
 *   <li>{@code f1_32x400x120}: Gemm f1 on one chunk of 32 images, m = 32, k = 400, n = 120;
 *   <li>{@code square_256x256x256}.
 * </ul>
 * Shapes are written m x k x n. The mode is throughput in seconds; the primary score is calls per
 * second and the secondary metric {@code ·gflop} is GFLOP/s (2mnk per call). Read vector over
 * scalar as the speed-up of the Vector API kernel. C keeps accumulating across calls (its values
 * stay far from overflow), so no copy is timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SgemmBenchmark {

    /** name_MxKxN. */
    @Param({"c1_6x25x784", "c2_16x150x100", "f1_32x400x120", "square_256x256x256"})
    public String shape;

    private final Sgemm vector = new VectorSgemm();
    private final Sgemm scalar = new ScalarSgemm();
    private int m;
    private int k;
    private int n;
    private double gflopPerCall;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup(Level.Trial)
    public void setUp() {
        String[] mkn = shape.substring(shape.indexOf('_') + 1).split("x");
        m = Integer.parseInt(mkn[0]);
        k = Integer.parseInt(mkn[1]);
        n = Integer.parseInt(mkn[2]);
        gflopPerCall = 2.0 * m * n * k / 1e9;
        SplittableRandom random = new SplittableRandom(Lenet5.SEED);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextDouble(-1, 1);
        }
    }

    @Benchmark
    public float[] vector(FlopCounter counter) {
        vector.multiplyAdd(m, n, k, a, 0, k, b, 0, n, c, 0, n);
        counter.gflop += gflopPerCall;
        return c;
    }

    @Benchmark
    public float[] scalar(FlopCounter counter) {
        scalar.multiplyAdd(m, n, k, a, 0, k, b, 0, n, c, 0, n);
        counter.gflop += gflopPerCall;
        return c;
    }
}
