package org.bitbudget.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts floating-point operations in units of 10^9 (one multiply-add is two); JMH reports it as
 * the secondary metric {@code gflop} in GFLOP/s (throughput mode, unit s).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {
    /** GFLOP done in the current iteration. */
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() {
        gflop = 0;
    }
}
