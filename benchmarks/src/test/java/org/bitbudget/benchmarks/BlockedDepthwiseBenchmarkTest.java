package org.bitbudget.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bitbudget.ops.compute.blocked.BlockedDepthwiseConvFamily;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both routes of each layer of {@link BlockedDepthwiseBenchmark} compute the same bits, with the
 * kernel in use and with the blocked kernel's scalar twin, on the first call and once the calls are
 * compiled: the benchmark compares equal work.
 */
class BlockedDepthwiseBenchmarkTest {

    private static final int CALLS = 50;

    @ParameterizedTest
    @ValueSource(strings = {"blocks0", "blocks1", "blocks2", "blocks3"})
    void routesComputeTheSameBits(String layer) {
        BlockedDepthwiseBenchmark scalar = new BlockedDepthwiseBenchmark();
        scalar.layer = layer;
        scalar.setUp(new BlockedDepthwiseConvFamily().scalar());
        BlockedDepthwiseBenchmark benchmark = new BlockedDepthwiseBenchmark();
        benchmark.layer = layer;
        benchmark.setUp();
        MacCounter counter = new MacCounter();
        float[] expected = benchmark.nchw(counter).clone();
        assertSame(expected, scalar.blocked(counter), scalar, layer + ", scalar twin");
        assertSame(expected, benchmark.blocked(counter), benchmark, layer);
        for (int call = 0; call < CALLS; call++) {
            benchmark.blocked(counter);
            benchmark.nchw(counter);
        }
        assertSame(benchmark.nchw(counter), benchmark.blocked(counter), benchmark, layer + ", compiled");
    }

    private static void assertSame(float[] nchw, float[] blocked, BlockedDepthwiseBenchmark b, String where) {
        int c = b.w.shape().dim(0);
        int p = b.window.outH() * b.window.outW();
        int blocks = b.weights.blocks();
        for (int img = 0; img < BlockedDepthwiseBenchmark.IMAGES; img++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < p; i++) {
                    float v = blocked[((img * blocks + ch / 16) * p + i) * 16 + ch % 16];
                    assertEquals(
                            Float.floatToRawIntBits(nchw[(img * c + ch) * p + i]),
                            Float.floatToRawIntBits(v),
                            where + ": image " + img + " channel " + ch + " pixel " + i);
                }
            }
        }
    }
}
