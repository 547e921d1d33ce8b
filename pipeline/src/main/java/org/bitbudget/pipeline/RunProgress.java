package org.bitbudget.pipeline;

/** Hears of the phases of a run and of the steps inside them, for a progress bar. */
public interface RunProgress {
    /** Does nothing. */
    RunProgress NONE = new RunProgress() {
        @Override
        public void phase(String name, int index, int count) {}
    };

    /** Phase {@code index} of {@code count} has started. */
    void phase(String name, int index, int count);

    /** One step of the current phase is done. */
    default void step() {}
}
