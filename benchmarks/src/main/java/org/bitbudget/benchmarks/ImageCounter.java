package org.bitbudget.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts images classified; JMH reports it as the secondary metric {@code images} in images per
 * second (throughput mode, unit s).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ImageCounter {
    /** Images classified in the current iteration. */
    public long images;

    @Setup(Level.Iteration)
    public void reset() {
        images = 0;
    }
}
