package org.bitbudget.experiments.batch;

/**
 * How a run reports its phases (e.g. sensitivity, costs, search, evaluation) to the batch's
 * progress display. Calls are cheap; implementations must not throw.
 */
public interface PhaseProgress {
    /** Reports nothing. */
    PhaseProgress NONE = (name, index, count) -> {};

    /** The run entered phase {@code index} (0-based) of {@code count}, called {@code name}. */
    void phase(String name, int index, int count);

    /** Within the current phase, {@code done} of {@code total} units are finished. */
    default void step(long done, long total) {}
}
