package org.bitbudget.cli;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGINT (Ctrl-C) and SIGTERM (how Slurm and Kubernetes stop a job) for the commands that run long. The
 * first signal sets a cancel flag that every phase checks within a second, so the command writes what
 * it has finished and exits with 128 + the signal's number; a second signal ends the process at once,
 * which destroys nothing because every output file is written atomically.
 */
final class Interrupts {
    private final AtomicBoolean cancel = new AtomicBoolean();
    private volatile int signal;

    private Interrupts() {}

    /** Handles both signals from now on; {@code stopping} says what the first one does. */
    static Interrupts install(String stopping) {
        Interrupts interrupts = new Interrupts();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), s -> interrupts.received(s, stopping));
            } catch (IllegalArgumentException unavailable) {
                // A platform without this signal: --time still bounds the run.
            }
        }
        return interrupts;
    }

    private void received(Signal s, String stopping) {
        if (cancel.getAndSet(true)) {
            Runtime.getRuntime().halt(128 + s.getNumber());
        }
        signal = s.getNumber();
        System.err.println("bitbudget: SIG" + s.getName() + ": " + stopping + " (send it again to quit at once)");
    }

    /** The flag the first signal sets. */
    AtomicBoolean flag() {
        return cancel;
    }

    /** Whether a signal arrived. */
    boolean received() {
        return signal != 0;
    }

    /** Throws {@link Stopped} once a signal has arrived: for work that keeps nothing when cut short. */
    void check() {
        if (received()) {
            throw new Stopped();
        }
    }

    /** Unwinds work that a signal cut short; the command catches it and exits with {@link #exitCode()}. */
    static final class Stopped extends RuntimeException {
        private Stopped() {
            super("interrupted", null, false, false);
        }
    }

    /** 0 without a signal, else 128 + its number (130 for SIGINT, 143 for SIGTERM), as a shell reports it. */
    int exitCode() {
        return signal == 0 ? 0 : 128 + signal;
    }
}
