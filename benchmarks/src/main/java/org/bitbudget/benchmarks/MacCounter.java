package org.bitbudget.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts integer or float multiply-adds in units of 10^9; JMH reports it as the secondary metric
 * {@code gmac} in GMAC/s (throughput mode, unit s).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class MacCounter {
    /** GMAC done in the current iteration. */
    public double gmac;

    @Setup(Level.Iteration)
    public void reset() {
        gmac = 0;
    }
}
