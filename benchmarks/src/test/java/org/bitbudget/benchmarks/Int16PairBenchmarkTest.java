package org.bitbudget.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loops of {@link Int16PairBenchmark} give the int32 reference's results, first as the
 * interpreter runs them (its setup compares every GEMM form with a plain int32 product), then after
 * enough calls for C2 to compile, and vectorize, them: the int16-pair loops must be exact whether or
 * not they become {@code vpdpwssd}.
 */
class Int16PairBenchmarkTest {

    private static final int CALLS = 3_000;

    @ParameterizedTest
    @ValueSource(ints = {1, 37, 1_027})
    void streamsAccumulateExactlyOnceCompiled(int stream) {
        checkAccumulates(stream, "pairStream", (b, c) -> b.pairStream(c));
        checkAccumulates(stream, "pairStream2", (b, c) -> b.pairStream2(c));
        checkAccumulates(stream, "pairStreamK2", (b, c) -> b.pairStreamK2(c));
    }

    @ParameterizedTest
    @ValueSource(strings = {"odd_7x4x10", "prime_13x8x2", "tail_9x16x146"})
    void gemmFormsMatchTheirFirstCallOnceCompiled(String shape) {
        Int16PairBenchmark benchmark = newBenchmark(shape, 3);
        MacCounter counter = new MacCounter();
        int[] dot = benchmark.pairDot(counter).clone();
        int[] blocked = benchmark.pairDot2x4(counter).clone();
        int[] fma = benchmark.fmaInt(counter).clone();
        assertArrayEquals(dot, blocked);
        assertArrayEquals(dot, fma);
        for (int call = 0; call < CALLS; call++) {
            benchmark.pairDot(counter);
        }
        assertArrayEquals(dot, benchmark.pairDot(counter));
        for (int call = 0; call < CALLS; call++) {
            benchmark.pairDot2x4(counter);
        }
        assertArrayEquals(dot, benchmark.pairDot2x4(counter));
    }

    /** Each stream loop adds the same products on every call, so N calls give N times the first. */
    private static void checkAccumulates(
            int stream, String method, BiFunction<Int16PairBenchmark, MacCounter, int[]> loop) {
        Int16PairBenchmark benchmark = newBenchmark("odd_7x4x10", stream);
        MacCounter counter = new MacCounter();
        int[] once = loop.apply(benchmark, counter).clone();
        for (int call = 2; call < CALLS; call++) {
            loop.apply(benchmark, counter);
        }
        assertArrayEquals(times(once, CALLS), loop.apply(benchmark, counter), method);
    }

    private static int[] times(int[] values, int factor) {
        int[] scaled = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            scaled[i] = values[i] * factor;
        }
        return scaled;
    }

    private static Int16PairBenchmark newBenchmark(String shape, int stream) {
        Int16PairBenchmark benchmark = new Int16PairBenchmark();
        benchmark.shape = shape;
        benchmark.stream = stream;
        benchmark.setUp();
        return benchmark;
    }
}
