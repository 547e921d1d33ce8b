package org.bitbudget.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bitbudget.kernels.gemm.FmaIntGemm;
import org.bitbudget.kernels.gemm.VectorFmaIntGemm;
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
 * GMAC/s of int16-pair multiply-adds written as plain Java loops for C2's auto-vectorizer, against
 * the fp32 FMA integer kernel ({@link VectorFmaIntGemm}) at the same layer shapes, in the same run.
 *
 * <p>The Vector API has no int8 or int16 dot product, but C2 turns the loop shape
 * {@code out[i] += a[2i] * b[2i] + a[2i+1] * b[2i+1]} over {@code short[]} a, b into MulAddS2I and,
 * vectorized, {@code vpmaddwd} or, on AVX512_VNNI, {@code vpdpwssd}: two int16 multiply-adds per
 * int32 lane per instruction, twice the lanes of an fp32 FMA. This benchmark measures what that is
 * worth in shapes a convolution could use:
 * <ul>
 *   <li>{@link #pairStream}: the canonical elementwise shape over arrays in L1, {@code 2 * length}
 *       multiply-adds per call. A GEMM of this shape needs the pixels' activations interleaved by
 *       k-pairs ({@code [k/2][pixels][2]}) and each weight pair replicated along the pixels, so
 *       this is an upper bound of such a GEMM: it neither builds nor reads a replicated operand
 *       from beyond L1;
 *   <li>{@link #pairStream2}: the same shape for two outputs (two channels) sharing the loads of
 *       one activation array (each channel still needs its own output and replicated weight
 *       array);
 *   <li>{@link #pairStreamK2}: two k-pairs summed into each output per pass (half the loads and
 *       stores of {@code out} per multiply-add);
 *   <li>{@link #pairDot}: the reduction form, one int32 sum per (pixel, channel) over k codes
 *       (im2col row times weight row, both int16);
 *   <li>{@link #pairDot2x4}: the reduction form register-blocked, 2 pixels x 4 channels in one
 *       loop over k, so each activation pair load serves 4 sums and each weight pair load 2;
 *   <li>{@link #fmaInt}: the fp32 FMA kernel on the same m x n x k (A as floats, W packed).
 * </ul>
 * Shapes are {@code name_MxNxK}: resnet8's 3x3 convolutions on one image (28 x 28, 14 x 14 and
 * 7 x 7 output pixels; 16, 32 and 64 channels; k = 9 x input channels). Run it a second time with
 * {@code -jvmArgsAppend -XX:-UseSuperWord} to see the same loops unvectorized: the ratio shows
 * whether C2 vectorized them (on JDK 25 {@link #pairStream} and {@link #pairStream2} become
 * {@code vpdpwssd}; the reduction forms and {@link #pairStreamK2} stay scalar). The stream loops
 * have {@code stream} outputs; every loop's result is checked against an int32 reference at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Int16PairBenchmark {

    /** name_MxNxK. */
    @Param({"s1_784x16x144", "s2_196x32x288", "s3_49x64x576"})
    public String shape;

    /** Int32 outputs of {@link #pairStream} (2 int16 inputs each). */
    @Param({"1024"})
    public int stream;

    private int m;
    private int n;
    private int k;
    private double gmacPerCall;
    private short[] a16;
    private short[] w16;
    private float[] a32;
    private FmaIntGemm.Panels panels;
    private int[] c;
    private short[] sa;
    private short[] sb;
    private int[] sOut;
    private short[] sb2;
    private int[] sOut2;
    private final FmaIntGemm fma = new VectorFmaIntGemm();

    @Setup(Level.Trial)
    public void setUp() {
        String[] mnk = shape.substring(shape.indexOf('_') + 1).split("x");
        m = Integer.parseInt(mnk[0]);
        n = Integer.parseInt(mnk[1]);
        k = Integer.parseInt(mnk[2]);
        gmacPerCall = (double) m * n * k / 1e9;
        SplittableRandom random = new SplittableRandom(Lenet5.SEED);
        a16 = new short[m * k];
        a32 = new float[m * k];
        for (int i = 0; i < a16.length; i++) {
            a16[i] = (short) random.nextInt(256);
            a32[i] = a16[i];
        }
        w16 = new short[n * k];
        byte[] w8 = new byte[n * k];
        for (int i = 0; i < w16.length; i++) {
            w8[i] = (byte) random.nextInt(-127, 128);
            w16[i] = w8[i];
        }
        panels = fma.pack(n, k, w8, 0, k);
        c = new int[m * n];
        sa = new short[2 * stream];
        sb = new short[2 * stream];
        for (int i = 0; i < sa.length; i++) {
            sa[i] = (short) random.nextInt(256);
            sb[i] = (short) random.nextInt(-127, 128);
        }
        sb2 = new short[2 * stream];
        for (int i = 0; i < sb2.length; i++) {
            sb2[i] = (short) random.nextInt(-127, 128);
        }
        sOut = new int[stream];
        sOut2 = new int[stream];
        checkAgree();
        checkStreams();
    }

    private void checkAgree() {
        int[] expected = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += a16[i * k + p] * w16[j * k + p];
                }
                expected[i * n + j] = sum;
            }
        }
        fmaInt(new MacCounter());
        requireEqual(expected, "fmaInt");
        pairDot(new MacCounter());
        requireEqual(expected, "pairDot");
        pairDot2x4(new MacCounter());
        requireEqual(expected, "pairDot2x4");
    }

    private void checkStreams() {
        pairStreamK2(new MacCounter());
        for (int i = 0; i < stream; i++) {
            int expected = sa[2 * i] * sb[2 * i]
                    + sa[2 * i + 1] * sb[2 * i + 1]
                    + sb2[2 * i] * sb[2 * i]
                    + sb2[2 * i + 1] * sb[2 * i + 1];
            if (sOut[i] != expected) {
                throw new IllegalStateException("pairStreamK2 differs from the int32 reference at " + i);
            }
        }
        Arrays.fill(sOut, 0);
        pairStream2(new MacCounter());
        for (int i = 0; i < stream; i++) {
            int first = sa[2 * i] * sb[2 * i] + sa[2 * i + 1] * sb[2 * i + 1];
            int second = sa[2 * i] * sb2[2 * i] + sa[2 * i + 1] * sb2[2 * i + 1];
            if (sOut[i] != first || sOut2[i] != second) {
                throw new IllegalStateException("pairStream2 differs from the int32 reference at " + i);
            }
        }
        Arrays.fill(sOut, 0);
        Arrays.fill(sOut2, 0);
    }

    private void requireEqual(int[] expected, String method) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != c[i]) {
                throw new IllegalStateException(method + " differs from the int32 reference at " + i);
            }
        }
        Arrays.fill(c, 0);
    }

    @Benchmark
    public int[] pairStream(MacCounter counter) {
        short[] a = sa;
        short[] b = sb;
        int[] out = sOut;
        for (int i = 0; i < out.length; i++) {
            out[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
        counter.gmac += 2.0 * out.length / 1e9;
        return out;
    }

    @Benchmark
    public int[] pairStream2(MacCounter counter) {
        short[] a = sa;
        short[] b = sb;
        short[] b2 = sb2;
        int[] out = sOut;
        int[] out2 = sOut2;
        for (int i = 0; i < out.length; i++) {
            out[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
            out2[i] += a[2 * i] * b2[2 * i] + a[2 * i + 1] * b2[2 * i + 1];
        }
        counter.gmac += 4.0 * out.length / 1e9;
        return out2;
    }

    @Benchmark
    public int[] pairStreamK2(MacCounter counter) {
        short[] a = sa;
        short[] b = sb;
        short[] a2 = sb2;
        short[] b2 = sb;
        int[] out = sOut;
        for (int i = 0; i < out.length; i++) {
            out[i] += (a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1])
                    + (a2[2 * i] * b2[2 * i] + a2[2 * i + 1] * b2[2 * i + 1]);
        }
        counter.gmac += 4.0 * out.length / 1e9;
        return out;
    }

    @Benchmark
    public int[] pairDot(MacCounter counter) {
        int pairs = k / 2;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[i * n + j] = dot(a16, i * k, w16, j * k, pairs);
            }
        }
        counter.gmac += gmacPerCall;
        return c;
    }

    private static int dot(short[] a, int aOff, short[] w, int wOff, int pairs) {
        int sum = 0;
        for (int p = 0; p < pairs; p++) {
            sum += a[aOff + 2 * p] * w[wOff + 2 * p] + a[aOff + 2 * p + 1] * w[wOff + 2 * p + 1];
        }
        return sum;
    }

    @Benchmark
    public int[] pairDot2x4(MacCounter counter) {
        int pairs = k / 2;
        for (int i = 0; i < m; i += 2) {
            int i1 = Math.min(i + 1, m - 1);
            for (int j = 0; j < n; j += 4) {
                block(i, i1, j, pairs);
            }
        }
        counter.gmac += gmacPerCall;
        return c;
    }

    private void block(int i0, int i1, int j, int pairs) {
        short[] a = a16;
        short[] w = w16;
        int a0 = i0 * k;
        int a1 = i1 * k;
        int w0 = j * k;
        int w1 = w0 + k;
        int w2 = w1 + k;
        int w3 = w2 + k;
        int s00 = 0;
        int s01 = 0;
        int s02 = 0;
        int s03 = 0;
        int s10 = 0;
        int s11 = 0;
        int s12 = 0;
        int s13 = 0;
        for (int p = 0; p < pairs; p++) {
            s00 += a[a0 + 2 * p] * w[w0 + 2 * p] + a[a0 + 2 * p + 1] * w[w0 + 2 * p + 1];
            s01 += a[a0 + 2 * p] * w[w1 + 2 * p] + a[a0 + 2 * p + 1] * w[w1 + 2 * p + 1];
            s02 += a[a0 + 2 * p] * w[w2 + 2 * p] + a[a0 + 2 * p + 1] * w[w2 + 2 * p + 1];
            s03 += a[a0 + 2 * p] * w[w3 + 2 * p] + a[a0 + 2 * p + 1] * w[w3 + 2 * p + 1];
            s10 += a[a1 + 2 * p] * w[w0 + 2 * p] + a[a1 + 2 * p + 1] * w[w0 + 2 * p + 1];
            s11 += a[a1 + 2 * p] * w[w1 + 2 * p] + a[a1 + 2 * p + 1] * w[w1 + 2 * p + 1];
            s12 += a[a1 + 2 * p] * w[w2 + 2 * p] + a[a1 + 2 * p + 1] * w[w2 + 2 * p + 1];
            s13 += a[a1 + 2 * p] * w[w3 + 2 * p] + a[a1 + 2 * p + 1] * w[w3 + 2 * p + 1];
        }
        c[i0 * n + j] = s00;
        c[i0 * n + j + 1] = s01;
        c[i0 * n + j + 2] = s02;
        c[i0 * n + j + 3] = s03;
        c[i1 * n + j] = s10;
        c[i1 * n + j + 1] = s11;
        c[i1 * n + j + 2] = s12;
        c[i1 * n + j + 3] = s13;
    }

    @Benchmark
    public int[] fmaInt(MacCounter counter) {
        fma.multiply(m, a32, 0, k, 255, panels, c, 0, n);
        counter.gmac += gmacPerCall;
        return c;
    }
}
