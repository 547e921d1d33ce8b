package org.bitbudget.experiments.batch;

import java.util.concurrent.atomic.AtomicBoolean;

/** The executor {@code bitbudget batch} uses: a {@link SearchRunExecutor}. */
public final class RunExecutors {
    private RunExecutors() {}

    /** The executor of the command line, whose runs stop when {@code cancel} is set. */
    public static RunExecutor forCommandLine(AtomicBoolean cancel) {
        return new SearchRunExecutor(cancel);
    }
}
