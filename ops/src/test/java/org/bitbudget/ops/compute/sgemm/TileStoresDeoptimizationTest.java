package org.bitbudget.ops.compute.sgemm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.bitbudget.ops.compute.blocked.ChannelBlocked16;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.bitbudget.testsupport.BoundsCheckTraps;
import org.junit.jupiter.api.Test;

/**
 * Runs the register tiles of {@link BlockedSgemm} and {@link PackedSgemm} at every vector width, long
 * enough for C2 to compile them, on tiles of fewer pixels (or rows) than they hold that end their
 * output array, in a JVM of their own, and checks that none of them deoptimized on a bounds check
 * ({@link BoundsCheckTraps}).
 * Such a trap is recorded in {@code Objects.checkIndex}, which every Vector API load and store calls,
 * and from then on every kernel C2 compiles in the JVM loses the bounds-check intrinsic (see the
 * package documentation): a tile that stores under an {@code if} trips it when its tile ends the
 * array. Whether and when C2 compiles is the JIT's business, so the test cannot prove the absence of
 * the pattern on every JVM, but a trap it records is always a real one.
 */
class TileStoresDeoptimizationTest {
    private static final int BLOCK = ChannelBlocked16.BLOCK;
    private static final int ROUNDS = 40_000;

    @Test
    void shortTilesAtTheEndOfTheOutputDoNotTrapOnBoundsChecks() {
        assertEquals(
                List.of(),
                BoundsCheckTraps.inFreshJvm(TileStoresDeoptimizationTest.class),
                "bounds-check deoptimizations in the tiles");
    }

    /** The work, in the JVM of its own that the test starts. */
    public static void main(String[] args) {
        BoundsCheckTraps.report(() -> {
            for (int bits : KernelProvider.widths()) {
                if (bits >= new BlockedSgemmFamily().minimumBits() && bits <= 512) {
                    runBlocked(KernelProvider.vector(new BlockedSgemmFamily(), bits));
                }
                if (bits >= new PackedSgemmFamily().minimumBits() && bits <= 512) {
                    runPacked(KernelProvider.vector(new PackedSgemmFamily(), bits));
                }
            }
        });
    }

    /** Blocked outputs of 8 pixels, now and then 1 to 9, scattered (not runs), C exactly as long as the last store. */
    private static void runBlocked(BlockedSgemm gemm) {
        Random random = new Random(71);
        int m = 2 * BLOCK;
        int k = 9;
        float[] a = random(random, m * k);
        PackedWeights packed = gemm.pack(m, k, a, 0, k, random(random, m), 0);
        float[] b = random(random, 400);
        int[] rows = new int[k];
        for (int p = 0; p < k; p++) {
            rows[p] = 7 * p;
        }
        float[][] outputs = new float[10][];
        int[][] columns = new int[10][];
        for (int n = 1; n < 10; n++) {
            outputs[n] = new float[2 * n * BLOCK];
            columns[n] = new int[n];
            for (int j = 0; j < n; j++) {
                columns[n][j] = 300 - 37 * j;
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            // Mostly whole tiles, as inside a plane, now and then a short one at the end of C.
            int n = round % 16 == 15 ? 1 + round / 16 % 9 : 8;
            gemm.multiply(
                    packed, n, b, rows, columns[n], outputs[n], 0, n * BLOCK, null, 0, Float.NEGATIVE_INFINITY, 0f);
        }
    }

    /** Products of 8 rows of C, now and then 1 to 9, C exactly as long as its last row. */
    private static void runPacked(PackedSgemm gemm) {
        Random random = new Random(72);
        int k = 9;
        int n = 40;
        float[] b = random(random, k * n);
        int[] rows = new int[k];
        for (int p = 0; p < k; p++) {
            rows[p] = p * n;
        }
        PackedWeights[] packed = new PackedWeights[10];
        float[][] outputs = new float[10][];
        for (int m = 1; m < 10; m++) {
            packed[m] = gemm.pack(m, k, random(random, m * k), 0, k, null, 0);
            outputs[m] = new float[m * n];
        }
        for (int round = 0; round < ROUNDS; round++) {
            int m = round % 16 == 15 ? 1 + round / 16 % 9 : 8;
            gemm.multiply(packed[m], n, b, rows, outputs[m], 0, n, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        }
    }

    private static float[] random(Random random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextFloat() - 0.5f;
        }
        return values;
    }
}
