package org.bitbudget.experiments.batch;

/** The executor {@code bitbudget batch} uses: a {@link SearchRunExecutor}. */
public final class RunExecutors {
    private RunExecutors() {}

    /** The executor of the command line. */
    public static RunExecutor forCommandLine() {
        return new SearchRunExecutor();
    }
}
