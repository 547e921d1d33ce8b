package org.bitbudget.experiments.batch;

/**
 * The executor {@code bitbudget batch} uses. Until the search module's {@code SearchRun} library
 * API exists this is {@link UniformBaselineExecutor}; wiring the real search means returning an
 * executor that maps a {@link RunSpec} to a {@code SearchRun} and its outcome to a {@link RunResult}.
 */
public final class RunExecutors {
    private RunExecutors() {
    }

    /** The executor of the command line. */
    public static RunExecutor forCommandLine() {
        return new UniformBaselineExecutor();
    }
}
