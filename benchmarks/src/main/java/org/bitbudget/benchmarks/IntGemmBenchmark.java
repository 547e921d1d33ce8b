package org.bitbudget.benchmarks;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bitbudget.kernels.bitserial.BitPlanes;
import org.bitbudget.kernels.bitserial.BitSerialFamily;
import org.bitbudget.kernels.bitserial.BitSerialGemm;
import org.bitbudget.kernels.bitserial.Encoding;
import org.bitbudget.kernels.gemm.FmaIntGemm;
import org.bitbudget.kernels.gemm.FmaIntGemmFamily;
import org.bitbudget.kernels.gemm.IntGemm;
import org.bitbudget.kernels.gemm.PairedFmaIntGemm;
import org.bitbudget.kernels.gemm.PairedFmaIntGemmFamily;
import org.bitbudget.kernels.gemm.ScalarIntGemm;
import org.bitbudget.kernels.gemm.VectorIntGemm;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * GMAC/s of the integer kernels at the matrix shapes of real layers, against their scalar twin and
 * ONNX Runtime Java in the same run.
 *
 * <p>Shapes are {@code name_MxNxK} in the kernels' dot-product form: M rows of activations (im2col
 * positions of a chunk of images), N output channels, K values per dot product.
 * <ul>
 *   <li>{@code lenet5c1_12544x6x25}, {@code lenet5c2_1600x16x150}: lenet5's convolutions on 16 images;
 *   <li>{@code lenet5f1_64x120x400}: its first Gemm on 64 images;
 *   <li>{@code resnet8s1_12544x16x144}, {@code resnet8s2_3136x32x288}: the zoo resnet8's stage-1 and
 *       stage-2 3x3 convolutions on 16 images;
 *   <li>{@code resnet8s3_784x64x576}: its stage-3 3x3 convolution on 16 images;
 *   <li>{@code square_256x256x256}.
 * </ul>
 * Methods: {@link #int8Vector} (uint8 activations with a zero point times int8 weights, the Vector
 * API kernel), {@link #int8Scalar} (its scalar twin), {@link #w4a4}, {@link #w2a2}, {@link #w1a1}
 * (the bit-serial kernel on pre-packed weights and activations), {@link #w2a2WithPacking} (packing
 * the activations into bit planes inside the timed call, as the engine must),
 * {@link #fmaW4a4}, {@link #fmaW2a2} (the exact fp32 FMA kernel on uint4 x int4 and uint2 x int2 codes as
 * floats), {@link #pairedW4a4}, {@link #pairedW2a2} (the same products with two output channels per
 * fp32 lane, {@code PairedFmaIntGemm}), {@link #rowPairedW4a4}, {@link #rowPairedW2a2} (the same
 * products with two rows of A per fp32 lane, rows i and i + m/2, paired before the timed call as the
 * engine pairs them while it converts the codes to floats), {@link #ortMatMulInteger} (ONNX Runtime {@code MatMulInteger}, uint8 x int8 → int32) and
 * {@link #ortMatMulFp32} (ONNX Runtime fp32 {@code MatMul}); weights are constant initializers in
 * the ONNX models, so ONNX Runtime may pre-pack them. With {@code threads = 2} our kernels split the
 * rows in two halves on two threads and ONNX Runtime gets two intra-op threads.
 *
 * <p><b>Reading the results.</b> The secondary metric {@code ·gmac} is GMAC/s (M·N·K per call).
 * For each (shape, threads): int8 ratio = int8Vector / ortMatMulFp32 (floor 0.8); bit-serial
 * ratios = w2a2 / int8Vector (floor 3) and w1a1 / int8Vector (floor 8); pairing = pairedW2a2 / fmaW2a2
 * and pairedW4a4 / fmaW4a4; row pairing = rowPairedW2a2 / fmaW2a2 and rowPairedW4a4 / fmaW4a4.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class IntGemmBenchmark {
    private static final int ZERO_POINT = 3;
    /** One segment of all of k: a row of pairs read in one run. */
    private static final int[] WHOLE = {0};

    /** name_MxNxK. */
    @Param({
        "lenet5c1_12544x6x25",
        "lenet5c2_1600x16x150",
        "lenet5f1_64x120x400",
        "resnet8s1_12544x16x144",
        "resnet8s2_3136x32x288",
        "resnet8s3_784x64x576",
        "square_256x256x256"
    })
    public String shape;

    /** Threads of our kernels (row halves); intra-op threads of ONNX Runtime. */
    @Param({"1", "2"})
    public int threads;

    private int m;
    private int n;
    private int k;
    private double gmacPerCall;
    private byte[] a;
    private byte[] w;
    private int[] wSums;
    private int[] c;
    private final IntGemm vector = new VectorIntGemm();
    private final IntGemm scalar = new ScalarIntGemm();
    private final BitSerialGemm bitSerial = BitSerialFamily.get();
    private byte[] a2;
    private BitPlanes[] aPlanes4;
    private BitPlanes[] aPlanes2;
    private BitPlanes[] aPlanes1;
    private BitPlanes wPlanes4;
    private BitPlanes wPlanes2;
    private BitPlanes wPlanes1;
    private int[] rowStart;
    private final FmaIntGemm fma = FmaIntGemmFamily.get();
    private final PairedFmaIntGemm paired = PairedFmaIntGemmFamily.get();
    private float[] a4Floats;
    private float[] a2Floats;
    private FmaIntGemm.Panels fmaPanels4;
    private FmaIntGemm.Panels fmaPanels2;
    private PairedFmaIntGemm.Panels pairedPanels4;
    private PairedFmaIntGemm.Panels pairedPanels2;
    private float[] rowPairs4;
    private float[] rowPairs2;
    /** Per thread, the offsets of its rows of pairs (rows i and i + m/2 of A) in the paired floats. */
    private int[][] pairOffsets;

    private PairedFmaIntGemm.Panels rowPairPanels4;
    private PairedFmaIntGemm.Panels rowPairPanels2;
    private ExecutorService pool;

    private OrtEnvironment env;
    private OrtSession session;
    private OnnxTensor ortInput;
    private Map<String, OnnxTensor> ortFeed;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws OrtException {
        CpuView.checkDeclaredView();
        String[] mnk = shape.substring(shape.indexOf('_') + 1).split("x");
        m = Integer.parseInt(mnk[0]);
        n = Integer.parseInt(mnk[1]);
        k = Integer.parseInt(mnk[2]);
        gmacPerCall = (double) m * n * k / 1e9;
        SplittableRandom random = new SplittableRandom(Lenet5.SEED);
        a = new byte[m * k];
        w = new byte[n * k];
        a2 = new byte[m * k];
        byte[] a4 = new byte[m * k];
        byte[] a1 = new byte[m * k];
        byte[] w4 = new byte[n * k];
        byte[] w2 = new byte[n * k];
        byte[] w1 = new byte[n * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) random.nextInt(256);
            a4[i] = (byte) random.nextInt(16);
            a2[i] = (byte) random.nextInt(4);
            a1[i] = (byte) (random.nextBoolean() ? 1 : -1);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) random.nextInt(-127, 128);
            w4[i] = (byte) random.nextInt(-8, 8);
            w2[i] = (byte) random.nextInt(-2, 2);
            w1[i] = (byte) (random.nextBoolean() ? 1 : -1);
        }
        wSums = IntGemm.weightSums(n, k, w, 0, k);
        c = new int[m * n];
        rowStart = threads == 1 ? new int[] {0, m} : new int[] {0, m / 2, m};
        aPlanes4 = packHalves(a4, Encoding.UNSIGNED, 4);
        aPlanes2 = packHalves(a2, Encoding.UNSIGNED, 2);
        aPlanes1 = packHalves(a1, Encoding.BINARY, 1);
        wPlanes4 = BitPlanes.pack(w4, 0, n, k, Encoding.SIGNED, 4);
        wPlanes2 = BitPlanes.pack(w2, 0, n, k, Encoding.SIGNED, 2);
        wPlanes1 = BitPlanes.pack(w1, 0, n, k, Encoding.BINARY, 1);
        a4Floats = new float[m * k];
        a2Floats = new float[m * k];
        for (int i = 0; i < a4Floats.length; i++) {
            a4Floats[i] = a4[i];
            a2Floats[i] = a2[i];
        }
        fmaPanels4 = fma.pack(n, k, w4, 0, k);
        fmaPanels2 = fma.pack(n, k, w2, 0, k);
        pairedPanels4 = paired.pack(n, k, w4, 0, k, 15);
        pairedPanels2 = paired.pack(n, k, w2, 0, k, 3);
        rowPairs4 = pairHalves(a4Floats);
        rowPairs2 = pairHalves(a2Floats);
        pairOffsets = new int[rowStart.length - 1][];
        for (int t = 0; t < pairOffsets.length; t++) {
            pairOffsets[t] = new int[(rowStart[t + 1] - rowStart[t]) / 2];
            for (int i = 0; i < pairOffsets[t].length; i++) {
                pairOffsets[t][i] = (rowStart[t] / 2 + i) * k;
            }
        }
        rowPairPanels4 = paired.packRowPairs(n, k, w4, 0, k, 15);
        rowPairPanels2 = paired.packRowPairs(n, k, w2, 0, k, 3);
        pool = Executors.newFixedThreadPool(threads);
        checkKernelsAgree();

        String method = params.getBenchmark();
        if (method.endsWith("ortMatMulInteger") || method.endsWith("ortMatMulFp32")) {
            env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            byte[] wt = transpose(w);
            if (method.endsWith("ortMatMulInteger")) {
                session = env.createSession(OrtMatMul.int8(m, k, n, wt, ZERO_POINT), options);
                ortInput =
                        OnnxTensor.createTensor(env, ByteBuffer.wrap(a.clone()), new long[] {m, k}, OnnxJavaType.UINT8);
            } else {
                float[] af = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    af[i] = (a[i] & 0xFF) - ZERO_POINT;
                }
                float[] wf = new float[wt.length];
                for (int i = 0; i < wt.length; i++) {
                    wf[i] = wt[i];
                }
                session = env.createSession(OrtMatMul.fp32(m, k, n, wf), options);
                ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(af), new long[] {m, k});
            }
            ortFeed = Map.of("A", ortInput);
            checkOrtAgrees(method.endsWith("ortMatMulInteger"));
        }
    }

    /** Rows i and i + m/2 of m x k floats as one row {@code x + 2^12 y} each (every shape's m is even). */
    private float[] pairHalves(float[] floats) {
        float[] pairs = Arrays.copyOf(floats, m / 2 * k);
        paired.pairRows(pairs, 0, floats, m / 2 * k, m / 2 * k);
        return pairs;
    }

    private BitPlanes[] packHalves(byte[] values, Encoding encoding, int bits) {
        BitPlanes[] halves = new BitPlanes[rowStart.length - 1];
        for (int t = 0; t < halves.length; t++) {
            halves[t] = BitPlanes.pack(values, rowStart[t] * k, rowStart[t + 1] - rowStart[t], k, encoding, bits);
        }
        return halves;
    }

    private byte[] transpose(byte[] nk) {
        byte[] kn = new byte[nk.length];
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                kn[p * n + j] = nk[j * k + p];
            }
        }
        return kn;
    }

    private void checkKernelsAgree() {
        int rows = Math.min(m, 64);
        int[] expected = new int[rows * n];
        int[] actual = new int[rows * n];
        scalar.gemmU8(rows, n, k, a, 0, k, ZERO_POINT, w, 0, k, wSums, expected, 0, n);
        vector.gemmU8(rows, n, k, a, 0, k, ZERO_POINT, w, 0, k, wSums, actual, 0, n);
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalStateException("vector and scalar int8 kernels differ at " + shape);
        }
        for (int bits : new int[] {2, 4}) {
            float[] af = bits == 2 ? a2Floats : a4Floats;
            fma.multiply(rows, af, 0, k, (1 << bits) - 1, bits == 2 ? fmaPanels2 : fmaPanels4, expected, 0, n);
            paired.multiply(rows, af, 0, k, bits == 2 ? pairedPanels2 : pairedPanels4, actual, 0, n);
            if (!Arrays.equals(expected, actual)) {
                throw new IllegalStateException("paired and unpaired FMA kernels differ at " + shape + ", " + bits);
            }
            int half = rows / 2;
            float[] pairs = Arrays.copyOf(af, half * k);
            paired.pairRows(pairs, 0, af, half * k, half * k);
            int[] offsets = new int[half];
            for (int i = 0; i < half; i++) {
                offsets[i] = i * k;
            }
            Arrays.fill(actual, 0);
            paired.multiplyRowPairsIndirect(
                    half,
                    pairs,
                    offsets,
                    WHOLE,
                    k,
                    bits == 2 ? rowPairPanels2 : rowPairPanels4,
                    actual,
                    0,
                    n,
                    half * n);
            if (!Arrays.equals(expected, actual)) {
                throw new IllegalStateException("row-paired and unpaired FMA kernels differ at " + shape + ", " + bits);
            }
        }
    }

    private void checkOrtAgrees(boolean integer) throws OrtException {
        int[] expected = new int[m * n];
        vector.gemmU8(m, n, k, a, 0, k, ZERO_POINT, w, 0, k, wSums, expected, 0, n);
        try (OrtSession.Result result = session.run(ortFeed)) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            for (int i = 0; i < expected.length; i++) {
                double theirs = integer
                        ? out.getIntBuffer().get(i)
                        : out.getFloatBuffer().get(i);
                if (Math.abs(theirs - expected[i]) > (integer ? 0 : 1e-3 * Math.abs(expected[i]) + 1)) {
                    throw new IllegalStateException(
                            "ONNX Runtime gives " + theirs + " at " + i + ", we give " + expected[i]);
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        pool.shutdownNow();
        if (session != null) {
            session.close();
            ortInput.close();
            session = null;
        }
    }

    /** Runs {@code half} for each row range, on the pool when there are two. */
    private void split(RowRange half) throws Exception {
        if (threads == 1) {
            half.run(0, 0, m);
            return;
        }
        Future<?> second = pool.submit(() -> {
            half.run(1, rowStart[1], rowStart[2]);
            return null;
        });
        half.run(0, rowStart[0], rowStart[1]);
        second.get();
    }

    @FunctionalInterface
    private interface RowRange {
        void run(int index, int from, int to) throws Exception;
    }

    @Benchmark
    public int[] int8Vector(MacCounter counter) throws Exception {
        split((t, from, to) ->
                vector.gemmU8(to - from, n, k, a, from * k, k, ZERO_POINT, w, 0, k, wSums, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] int8Scalar(MacCounter counter) throws Exception {
        split((t, from, to) ->
                scalar.gemmU8(to - from, n, k, a, from * k, k, ZERO_POINT, w, 0, k, wSums, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] w4a4(MacCounter counter) throws Exception {
        split((t, from, to) -> bitSerial.multiply(aPlanes4[t], wPlanes4, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] w2a2(MacCounter counter) throws Exception {
        split((t, from, to) -> bitSerial.multiply(aPlanes2[t], wPlanes2, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] w2a2WithPacking(MacCounter counter) throws Exception {
        split((t, from, to) -> bitSerial.multiply(
                BitPlanes.pack(a2, from * k, to - from, k, Encoding.UNSIGNED, 2), wPlanes2, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] w1a1(MacCounter counter) throws Exception {
        split((t, from, to) -> bitSerial.multiply(aPlanes1[t], wPlanes1, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] fmaW4a4(MacCounter counter) throws Exception {
        split((t, from, to) -> fma.multiply(to - from, a4Floats, from * k, k, 15, fmaPanels4, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] pairedW4a4(MacCounter counter) throws Exception {
        split((t, from, to) -> paired.multiply(to - from, a4Floats, from * k, k, pairedPanels4, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] fmaW2a2(MacCounter counter) throws Exception {
        split((t, from, to) -> fma.multiply(to - from, a2Floats, from * k, k, 3, fmaPanels2, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] pairedW2a2(MacCounter counter) throws Exception {
        split((t, from, to) -> paired.multiply(to - from, a2Floats, from * k, k, pairedPanels2, c, from * n, n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] rowPairedW4a4(MacCounter counter) throws Exception {
        split((t, from, to) -> paired.multiplyRowPairsIndirect(
                pairOffsets[t].length,
                rowPairs4,
                pairOffsets[t],
                WHOLE,
                k,
                rowPairPanels4,
                c,
                from / 2 * n,
                n,
                m / 2 * n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int[] rowPairedW2a2(MacCounter counter) throws Exception {
        split((t, from, to) -> paired.multiplyRowPairsIndirect(
                pairOffsets[t].length,
                rowPairs2,
                pairOffsets[t],
                WHOLE,
                k,
                rowPairPanels2,
                c,
                from / 2 * n,
                n,
                m / 2 * n));
        counter.gmac += gmacPerCall;
        return c;
    }

    @Benchmark
    public int ortMatMulInteger(MacCounter counter) throws OrtException {
        return runOrt(counter);
    }

    @Benchmark
    public int ortMatMulFp32(MacCounter counter) throws OrtException {
        return runOrt(counter);
    }

    /** One call, with the result's first element read so that nothing is optimised away. */
    private int runOrt(MacCounter counter) throws OrtException {
        try (OrtSession.Result result = session.run(ortFeed)) {
            counter.gmac += gmacPerCall;
            return ((OnnxTensor) result.get(0)).getByteBuffer().get(0);
        }
    }
}
