package org.bitbudget.pipeline;

/**
 * Thrown inside a phase when the run is cancelled (or, in the sensitivity phase, out of time), so that
 * the phase gives up its unfinished work at once; the pipeline catches it at the phase's boundary and
 * goes on with what is finished. Never leaves the pipeline.
 */
final class RunStopped extends RuntimeException {
    RunStopped() {
        super("run stopped", null, false, false);
    }

    /** Whether {@code e} is a {@link RunStopped} or was caused by one (a strategy's thread pool wraps it). */
    static boolean within(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RunStopped) {
                return true;
            }
        }
        return false;
    }
}
