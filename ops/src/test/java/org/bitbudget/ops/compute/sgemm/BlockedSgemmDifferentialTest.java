package org.bitbudget.ops.compute.sgemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.blocked.ChannelBlocked16;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorBlockedSgemm} gives exactly the floats {@link ScalarBlockedSgemm} gives,
 * at every vector width this JVM runs: m (output channels) in {1, 5, 16, 17, 31, 32, 33, 48, 50}
 * (within a block, one block, a block and a lane, pairs of blocks and an odd block beside them),
 * n (pixels) odd and around the 4-, 5-, 7- and 8-pixel tiles, k prime; B's rows at random offsets, its
 * columns mostly in runs one block apart (the run tiles), two (the stride-2 run tiles) or one float
 * (the run tile on an NCHW input) broken at random, a random gap between C's blocks, with and without bias and a clamp, for the three kinds
 * of values of {@link SgemmDifferentialTest}, every third case with a residual. Bit for bit; the padded lanes of the last block +0.0f;
 * the floats between blocks untouched; and the scalar kernel equal to
 * {@link PackedSgemm#multiplyColumns} of {@link ScalarPackedSgemm} read at the blocked places. A
 * second test runs real convolution geometries (3 x 3 and 1 x 1 filters, strides 1 and 2, on a
 * zero-bordered blocked input) against the plain column tile on the NCHW input.
 */
class BlockedSgemmDifferentialTest {
    private static final int[] CHANNELS = {1, 5, 16, 17, 31, 32, 33, 48, 50};
    private static final int[] PIXELS = {1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 17, 28, 29, 31, 33, 49};
    private static final int[] DEPTHS = {1, 2, 3, 5, 7, 13, 17, 31, 67};
    private static final int BLOCK = ChannelBlocked16.BLOCK;

    private final BlockedSgemm scalar = new ScalarBlockedSgemm();

    static Stream<Arguments> widthsChannelsAndValues() {
        return KernelProvider.widths().stream()
                .filter(bits -> bits >= new BlockedSgemmFamily().minimumBits() && bits <= 512)
                .flatMap(bits -> Arrays.stream(CHANNELS)
                        .boxed()
                        .flatMap(m -> Arrays.stream(SgemmDifferentialTest.Values.values())
                                .map(v -> Arguments.of(bits, m, v))));
    }

    @ParameterizedTest(name = "{0}-bit vectors, m={1}, {2} values")
    @MethodSource("widthsChannelsAndValues")
    void vectorEqualsScalarBitForBit(int bits, int m, SgemmDifferentialTest.Values values) {
        BlockedSgemm vector = KernelProvider.vector(new BlockedSgemmFamily(), bits);
        Random random = new Random(3000L * m + values.ordinal() + 13L * bits);
        for (int n : PIXELS) {
            for (int k : DEPTHS) {
                boolean withBias = (n + k) % 2 == 1;
                float lo = (n + k) % 3 == 0 ? Float.NEGATIVE_INFINITY : (n + k) % 3 == 1 ? 0f : -0.25f;
                float hi = (n + k) % 3 == 2 ? 0.5f : Float.POSITIVE_INFINITY;
                int aOff = random.nextInt(6);
                int lda = k + random.nextInt(4);
                int cOff = random.nextInt(6);
                int blockStride = n * BLOCK + random.nextInt(5);
                int blocks = ChannelBlocked16.blocks(m);
                float[] a = SgemmDifferentialTest.fill(random, values, aOff + (m - 1) * lda + k);
                float[] bias = withBias ? SgemmDifferentialTest.fill(random, values, m + 3) : null;
                // Runs one block apart (unit stride on a blocked input), two (stride 2) or one float (NCHW).
                int step = new int[] {BLOCK, 2 * BLOCK, 1}[(n + 2 * k) % 3];
                int bLength = (step + 1) * n + 3 * k + random.nextInt(5);
                float[] b = SgemmDifferentialTest.fill(random, values, bLength);
                int[] rows = new int[k];
                for (int p = 0; p < k; p++) {
                    rows[p] = random.nextInt(3 * k + 1);
                }
                int[] columns = new int[n];
                for (int j = 0; j < n; j++) {
                    // Mostly runs of pixels one step apart (what the run tiles take), some at random.
                    boolean follows = j > 0 && random.nextInt(8) != 0 && columns[j - 1] + step < bLength - 3 * k;
                    columns[j] = follows ? columns[j - 1] + step : random.nextInt(bLength - 3 * k);
                }
                float[] c = SgemmDifferentialTest.fill(
                        random, values, cOff + (blocks - 1) * blockStride + n * BLOCK + random.nextInt(3));
                float[] aBefore = a.clone();
                float[] bBefore = b.clone();
                float[] fromScalar = c.clone();
                float[] fromVector = c.clone();

                // Every third case adds a residual laid out as C at an offset of its own.
                int residualOff = random.nextInt(7);
                float[] residual = (n + k) % 3 == 2
                        ? SgemmDifferentialTest.fill(random, values, residualOff - cOff + c.length)
                        : null;
                scalar.multiply(
                        scalar.pack(m, k, a, aOff, lda, bias, 2),
                        n,
                        b,
                        rows,
                        columns,
                        fromScalar,
                        cOff,
                        blockStride,
                        residual,
                        residualOff,
                        lo,
                        hi);
                vector.multiply(
                        vector.pack(m, k, a, aOff, lda, bias, 2),
                        n,
                        b,
                        rows,
                        columns,
                        fromVector,
                        cOff,
                        blockStride,
                        residual,
                        residualOff,
                        lo,
                        hi);

                String where = "m=" + m + " n=" + n + " k=" + k + (withBias ? " with" : " without") + " bias, bounds "
                        + lo + "/" + hi + ", offsets " + aOff + "/" + cOff + ", block stride " + blockStride;
                SgemmDifferentialTest.assertSameBits(fromScalar, fromVector, where);
                assertArrayEquals(aBefore, a, where + ": A changed");
                assertArrayEquals(bBefore, b, where + ": B changed");
                for (int x = 0; x < c.length; x++) {
                    int block = (x - cOff) / blockStride;
                    int within = (x - cOff) % blockStride;
                    boolean inside = x >= cOff && block < blocks && within < n * BLOCK;
                    if (!inside) {
                        assertEquals(
                                Float.floatToIntBits(c[x]),
                                Float.floatToIntBits(fromVector[x]),
                                where + ": float at " + x + " outside the blocks written");
                    } else if (block * BLOCK + within % BLOCK >= m) {
                        assertEquals(0, Float.floatToIntBits(fromVector[x]), where + ": padded lane at " + x);
                    }
                }
                // The scalar kernel against the plain column tile (then the Add and the clamp), element by element.
                float[] plain = new float[m * n];
                new ScalarPackedSgemm()
                        .multiplyColumns(
                                PackedWeights.pack(1, m, k, a, aOff, lda, bias, 2),
                                n,
                                b,
                                rows,
                                columns,
                                plain,
                                0,
                                n,
                                residual == null ? lo : Float.NEGATIVE_INFINITY,
                                residual == null ? hi : Float.POSITIVE_INFINITY);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        int at = cOff + i / BLOCK * blockStride + j * BLOCK + i % BLOCK;
                        float expected = residual == null
                                ? plain[i * n + j]
                                : Math.min(Math.max(plain[i * n + j] + residual[at - cOff + residualOff], lo), hi);
                        assertEquals(
                                Float.floatToIntBits(expected),
                                Float.floatToIntBits(fromScalar[at]),
                                where + ": channel " + i + " pixel " + j);
                    }
                }
            }
        }
    }

    static Stream<Arguments> widthsAndGeometries() {
        int[][] geometries = {
            // input channels, output channels, size, filter, stride, pad
            {16, 16, 9, 3, 1, 1},
            {16, 32, 9, 3, 2, 1},
            {3, 17, 7, 3, 1, 1},
            {17, 5, 6, 1, 2, 0},
            {33, 50, 5, 3, 1, 1},
            {1, 16, 11, 3, 1, 0},
            // 16 -> 16 (the lone block's run tile): rows of 28, of 15 and 18 (ending mid-tile), stride 2.
            {16, 16, 28, 3, 1, 1},
            {16, 16, 15, 3, 1, 1},
            {16, 16, 20, 3, 1, 0},
            {16, 16, 29, 3, 2, 1},
            // Stride 2 onto pairs of blocks (the stride-2 run tile): rows of 14, 7, 9 (a run and 2) and 8.
            {16, 32, 28, 3, 2, 1},
            {32, 32, 14, 3, 2, 1},
            {16, 32, 28, 1, 2, 0},
            {32, 48, 17, 3, 2, 1},
            {33, 64, 17, 3, 2, 0}
        };
        return KernelProvider.widths().stream()
                .filter(bits -> bits >= new BlockedSgemmFamily().minimumBits() && bits <= 512)
                .flatMap(bits -> Arrays.stream(geometries).map(g -> Arguments.of(bits, g)));
    }

    /**
     * A convolution reading a zero-bordered blocked input in place (rows: channel block, lane and tap;
     * columns: the output pixel's window) gives the bits of the column tile reading the zero-bordered
     * NCHW planes.
     */
    @ParameterizedTest(name = "{0}-bit vectors, geometry {1}")
    @MethodSource("widthsAndGeometries")
    void convolutionOnBlockedInputEqualsPlanar(int bits, int[] g) {
        int cin = g[0];
        int m = g[1];
        int size = g[2];
        int kSize = g[3];
        int stride = g[4];
        int pad = g[5];
        int padded = size + 2 * pad;
        int out = (padded - kSize) / stride + 1;
        int n = out * out;
        int k = cin * kSize * kSize;
        Random random = new Random(31L * cin + m + bits);
        float[] planes = new float[cin * padded * padded];
        for (int ch = 0; ch < cin; ch++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    planes[(ch * padded + y + pad) * padded + x + pad] = random.nextFloat() * 2 - 1;
                }
            }
        }
        float[] blocked = new float[ChannelBlocked16.imageSize(cin, padded * padded)];
        ChannelBlocked16.fromPlanar(planes, 0, 1, cin, padded * padded, blocked, 0);
        float[] w = new float[m * k];
        float[] bias = new float[m];
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < m; i++) {
            bias[i] = random.nextFloat() - 0.5f;
        }
        int[] planarRows = new int[k];
        int[] blockedRows = new int[k];
        int row = 0;
        for (int ch = 0; ch < cin; ch++) {
            for (int ki = 0; ki < kSize; ki++) {
                for (int kj = 0; kj < kSize; kj++, row++) {
                    planarRows[row] = ch * padded * padded + ki * padded + kj;
                    blockedRows[row] = (ch / BLOCK * padded * padded + ki * padded + kj) * BLOCK + ch % BLOCK;
                }
            }
        }
        int[] planarColumns = new int[n];
        int[] blockedColumns = new int[n];
        for (int oh = 0; oh < out; oh++) {
            for (int ow = 0; ow < out; ow++) {
                planarColumns[oh * out + ow] = oh * stride * padded + ow * stride;
                blockedColumns[oh * out + ow] = (oh * stride * padded + ow * stride) * BLOCK;
            }
        }
        PackedSgemm columnsKernel = KernelProvider.vector(new PackedSgemmFamily(), bits);
        float[] expected = new float[m * n];
        columnsKernel.multiplyColumns(
                columnsKernel.packForColumns(m, k, w, 0, k, bias, 0),
                n,
                planes,
                planarRows,
                planarColumns,
                expected,
                0,
                n,
                0f,
                Float.POSITIVE_INFINITY);
        BlockedSgemm vector = KernelProvider.vector(new BlockedSgemmFamily(), bits);
        float[] actual = new float[ChannelBlocked16.imageSize(m, n)];
        vector.multiply(
                vector.pack(m, k, w, 0, k, bias, 0),
                n,
                blocked,
                blockedRows,
                blockedColumns,
                actual,
                0,
                n * BLOCK,
                null,
                0,
                0f,
                Float.POSITIVE_INFINITY);
        float[] back = new float[m * n];
        ChannelBlocked16.toPlanar(actual, 0, 1, m, n, back, 0);
        SgemmDifferentialTest.assertSameBits(expected, back, "geometry " + Arrays.toString(g));
        float[] again = new float[actual.length];
        ChannelBlocked16.fromPlanar(back, 0, 1, m, n, again, 0);
        SgemmDifferentialTest.assertSameBits(actual, again, "padded lanes after reorders, " + Arrays.toString(g));
    }

    static Stream<Arguments> widthsAndRows() {
        return KernelProvider.widths().stream()
                .filter(bits -> bits >= new BlockedSgemmFamily().minimumBits() && bits <= 512)
                .flatMap(bits -> IntStream.of(28, 14, 7, 6, 3).mapToObj(w -> Arguments.of(bits, w)));
    }

    /**
     * With the residual read from C itself (an Add whose sum overwrites its operand), each pixel's sum
     * is added once: rows of {@code width} pixels one block apart whose last pixels a run tile
     * starting before them could compute twice.
     */
    @ParameterizedTest(name = "{0}-bit vectors, rows of {1}")
    @MethodSource("widthsAndRows")
    void residualReadFromOutputIsAddedOnce(int bits, int width) {
        int m = 33;
        int k = 13;
        int n = width * 3;
        int blocks = ChannelBlocked16.blocks(m);
        Random random = new Random(77L * width + bits);
        float[] a = SgemmDifferentialTest.fill(random, SgemmDifferentialTest.Values.RANDOM, m * k);
        float[] bias = SgemmDifferentialTest.fill(random, SgemmDifferentialTest.Values.RANDOM, m);
        int rowStride = width + 2;
        float[] b = SgemmDifferentialTest.fill(
                random, SgemmDifferentialTest.Values.RANDOM, (3 * rowStride + 1) * BLOCK + 3 * k);
        int[] rows = new int[k];
        for (int p = 0; p < k; p++) {
            rows[p] = random.nextInt(3 * k + 1);
        }
        int[] columns = new int[n];
        for (int j = 0; j < n; j++) {
            columns[j] = (j / width * rowStride + j % width) * BLOCK;
        }
        int cOff = 3;
        float[] c = SgemmDifferentialTest.fill(random, SgemmDifferentialTest.Values.RANDOM, cOff + blocks * n * BLOCK);
        float[] fromScalar = c.clone();
        float[] fromVector = c.clone();
        BlockedSgemm vector = KernelProvider.vector(new BlockedSgemmFamily(), bits);
        scalar.multiply(
                scalar.pack(m, k, a, 0, k, bias, 0),
                n,
                b,
                rows,
                columns,
                fromScalar,
                cOff,
                n * BLOCK,
                fromScalar,
                cOff,
                0f,
                Float.POSITIVE_INFINITY);
        vector.multiply(
                vector.pack(m, k, a, 0, k, bias, 0),
                n,
                b,
                rows,
                columns,
                fromVector,
                cOff,
                n * BLOCK,
                fromVector,
                cOff,
                0f,
                Float.POSITIVE_INFINITY);
        SgemmDifferentialTest.assertSameBits(fromScalar, fromVector, "rows of " + width + " summed in place");
    }
}
