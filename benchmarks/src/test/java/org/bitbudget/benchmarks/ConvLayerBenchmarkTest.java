package org.bitbudget.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.bitbudget.ops.compute.sgemm.PackedSgemmFamily;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each layer of {@link ConvLayerBenchmark} computes with the engine's kernel the same bits as with
 * the scalar packed SGEMM, on the first call and once the calls are compiled.
 */
class ConvLayerBenchmarkTest {

    private static final int CALLS = 200;

    @ParameterizedTest
    @ValueSource(strings = {"stem", "stage1", "stage2down", "stage2", "stage3down", "stage3"})
    void layerMatchesTheScalarKernel(String layer) {
        ConvLayerBenchmark scalar = new ConvLayerBenchmark();
        scalar.layer = layer;
        scalar.setUp(new PackedSgemmFamily().scalar());
        float[] expected = scalar.conv(new MacCounter()).clone();
        ConvLayerBenchmark benchmark = new ConvLayerBenchmark();
        benchmark.layer = layer;
        benchmark.setUp();
        MacCounter counter = new MacCounter();
        assertArrayEquals(expected, benchmark.conv(counter));
        for (int call = 0; call < CALLS; call++) {
            benchmark.conv(counter);
        }
        assertArrayEquals(expected, benchmark.conv(counter));
    }
}
