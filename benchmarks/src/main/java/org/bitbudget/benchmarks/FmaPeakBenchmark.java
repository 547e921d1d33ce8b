package org.bitbudget.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * The single-thread fp32 fused multiply-add peak this CPU reaches from Java: {@value #ACCUMULATORS}
 * independent chains {@code acc = fma(acc, SCALE, STEP)} of {@code species} vectors that live in
 * registers for {@value #STEPS} steps per call, with nothing loaded or stored inside the loop. Sixteen
 * chains cover the FMA latency (4 cycles) times the FMA pipes (2) of current x86 cores with room
 * to spare, so the loop is bound by FMA throughput alone.
 *
 * <p><b>Reading the results.</b> The secondary metric {@code ·gmac} is GMAC/s (one lane of one FMA is
 * one multiply-add). A kernel's or a layer's efficiency is its GMAC/s over this peak at the species
 * the engine uses ({@code preferred}); {@code 256} shows whether 512-bit vectors add throughput on
 * this core (on a core that splits them into two 256-bit halves both give the same GMAC/s). The
 * same ratio for ONNX Runtime is its layer's MACs per second over the same peak.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBenchmark {

    /** Independent accumulator chains, each one register. */
    static final int ACCUMULATORS = 16;

    /** FMA steps of every chain per call: long enough that the call's overhead vanishes. */
    static final int STEPS = 4096;

    /** The multiplier of every step: below 1, so with {@link #STEP} each chain stays finite and normal. */
    static final float SCALE = 0.9999f;

    /** The addend of every step. */
    static final float STEP = 1e-3f;

    /** Vector width: {@code preferred} (what the kernels use) or {@code 256} bits. */
    @Param({"preferred", "256"})
    public String species;

    private VectorSpecies<Float> vectors;
    private float[] start;

    @Setup
    public void setUp() {
        vectors = species(species);
        start = new float[ACCUMULATORS * vectors.length()];
        for (int i = 0; i < start.length; i++) {
            start[i] = i * 0.01f;
        }
    }

    static VectorSpecies<Float> species(String name) {
        return switch (name) {
            case "preferred" -> FloatVector.SPECIES_PREFERRED;
            case "256" -> FloatVector.SPECIES_256;
            default -> throw new IllegalArgumentException("species " + name + " is not preferred or 256");
        };
    }

    /** Multiply-adds per call: every lane of every chain for every step. */
    double gmacPerCall() {
        return (double) ACCUMULATORS * vectors.length() * STEPS / 1e9;
    }

    /** The lanes of all chains after one call; they start from the same values on every call. */
    @Benchmark
    public float[] fma(MacCounter counter) {
        float[] out = chains(vectors, start);
        counter.gmac += gmacPerCall();
        return out;
    }

    /**
     * Runs the chains; the accumulators are locals, so that the JIT keeps them in registers, and are
     * written out once at the end so that none of the work is dead.
     */
    static float[] chains(VectorSpecies<Float> s, float[] start) {
        int l = s.length();
        FloatVector scale = FloatVector.broadcast(s, SCALE);
        FloatVector step = FloatVector.broadcast(s, STEP);
        FloatVector a0 = FloatVector.fromArray(s, start, 0);
        FloatVector a1 = FloatVector.fromArray(s, start, l);
        FloatVector a2 = FloatVector.fromArray(s, start, 2 * l);
        FloatVector a3 = FloatVector.fromArray(s, start, 3 * l);
        FloatVector a4 = FloatVector.fromArray(s, start, 4 * l);
        FloatVector a5 = FloatVector.fromArray(s, start, 5 * l);
        FloatVector a6 = FloatVector.fromArray(s, start, 6 * l);
        FloatVector a7 = FloatVector.fromArray(s, start, 7 * l);
        FloatVector a8 = FloatVector.fromArray(s, start, 8 * l);
        FloatVector a9 = FloatVector.fromArray(s, start, 9 * l);
        FloatVector a10 = FloatVector.fromArray(s, start, 10 * l);
        FloatVector a11 = FloatVector.fromArray(s, start, 11 * l);
        FloatVector a12 = FloatVector.fromArray(s, start, 12 * l);
        FloatVector a13 = FloatVector.fromArray(s, start, 13 * l);
        FloatVector a14 = FloatVector.fromArray(s, start, 14 * l);
        FloatVector a15 = FloatVector.fromArray(s, start, 15 * l);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.lanewise(VectorOperators.FMA, scale, step);
            a1 = a1.lanewise(VectorOperators.FMA, scale, step);
            a2 = a2.lanewise(VectorOperators.FMA, scale, step);
            a3 = a3.lanewise(VectorOperators.FMA, scale, step);
            a4 = a4.lanewise(VectorOperators.FMA, scale, step);
            a5 = a5.lanewise(VectorOperators.FMA, scale, step);
            a6 = a6.lanewise(VectorOperators.FMA, scale, step);
            a7 = a7.lanewise(VectorOperators.FMA, scale, step);
            a8 = a8.lanewise(VectorOperators.FMA, scale, step);
            a9 = a9.lanewise(VectorOperators.FMA, scale, step);
            a10 = a10.lanewise(VectorOperators.FMA, scale, step);
            a11 = a11.lanewise(VectorOperators.FMA, scale, step);
            a12 = a12.lanewise(VectorOperators.FMA, scale, step);
            a13 = a13.lanewise(VectorOperators.FMA, scale, step);
            a14 = a14.lanewise(VectorOperators.FMA, scale, step);
            a15 = a15.lanewise(VectorOperators.FMA, scale, step);
        }
        float[] out = new float[start.length];
        a0.intoArray(out, 0);
        a1.intoArray(out, l);
        a2.intoArray(out, 2 * l);
        a3.intoArray(out, 3 * l);
        a4.intoArray(out, 4 * l);
        a5.intoArray(out, 5 * l);
        a6.intoArray(out, 6 * l);
        a7.intoArray(out, 7 * l);
        a8.intoArray(out, 8 * l);
        a9.intoArray(out, 9 * l);
        a10.intoArray(out, 10 * l);
        a11.intoArray(out, 11 * l);
        a12.intoArray(out, 12 * l);
        a13.intoArray(out, 13 * l);
        a14.intoArray(out, 14 * l);
        a15.intoArray(out, 15 * l);
        return out;
    }
}
