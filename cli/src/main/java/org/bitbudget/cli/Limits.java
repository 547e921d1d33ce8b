package org.bitbudget.cli;

import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.ValueInfo;

/**
 * Caps on sizes the command line takes: past them a run would not compute anything, it would exhaust the machine
 * (a thread each, a tensor larger than an array) and fail with a stack trace after a long wait.
 */
final class Limits {
    /** The most threads a command starts; far beyond any machine's cores, far below what exhausts a JVM. */
    static final int MAX_THREADS = 1024;

    private Limits() {}

    /** Refuses {@code --threads} outside 1..{@link #MAX_THREADS}; null is the default (all cores). */
    static void threads(Integer threads) {
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            throw new UserInputException("--threads", "must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
    }

    /**
     * Refuses a batch of {@code batch} samples of {@code input} that does not fit one tensor, or that would take
     * more than half of the memory the JVM may use.
     */
    static void batch(String option, int batch, ValueInfo input) {
        long values = 1;
        for (Dimension d : input.dims().subList(1, input.dims().size())) {
            values *= Math.max(1, d.size());
        }
        long fits = Math.min(Integer.MAX_VALUE / values, Runtime.getRuntime().maxMemory() / 2 / (Float.BYTES * values));
        if (batch > fits) {
            throw new UserInputException(
                    option,
                    batch + " samples of " + values + " values do not fit in memory (at most " + fits
                            + " here; raise -Xmx for more)");
        }
    }
}
