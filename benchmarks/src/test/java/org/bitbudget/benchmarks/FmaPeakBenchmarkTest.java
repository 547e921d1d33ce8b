package org.bitbudget.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FmaPeakBenchmark} does the work it counts: every lane of its result is the scalar chain of
 * {@link Math#fma} over the same steps, bit for bit, both as the interpreter runs it and once C2 has
 * compiled it, and its counter adds lanes x chains x steps multiply-adds per call.
 */
class FmaPeakBenchmarkTest {

    private static final int CALLS = 2_000;

    @ParameterizedTest
    @ValueSource(strings = {"preferred", "256"})
    void chainsAreTheScalarFmaChainsOnceCompiled(String species) {
        FmaPeakBenchmark benchmark = new FmaPeakBenchmark();
        benchmark.species = species;
        benchmark.setUp();
        MacCounter counter = new MacCounter();
        int lanes = FmaPeakBenchmark.species(species).length();
        float[] start = new float[FmaPeakBenchmark.ACCUMULATORS * lanes];
        for (int i = 0; i < start.length; i++) {
            start[i] = i * 0.01f;
        }
        float[] expected = new float[start.length];
        for (int i = 0; i < start.length; i++) {
            float acc = start[i];
            for (int s = 0; s < FmaPeakBenchmark.STEPS; s++) {
                acc = Math.fma(acc, FmaPeakBenchmark.SCALE, FmaPeakBenchmark.STEP);
            }
            expected[i] = acc;
        }
        assertArrayEquals(expected, benchmark.fma(counter));
        for (int call = 0; call < CALLS; call++) {
            benchmark.fma(counter);
        }
        assertArrayEquals(expected, benchmark.fma(counter));
        double perCall = (double) start.length * FmaPeakBenchmark.STEPS / 1e9;
        assertEquals(perCall * (CALLS + 2), counter.gmac, perCall * 1e-6);
    }
}
