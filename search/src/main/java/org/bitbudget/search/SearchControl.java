package org.bitbudget.search;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * How a search runs: its seed, an optional deadline (anytime: a strategy that reaches it stops and
 * returns the best feasible config found so far, marked {@link SearchResult#stoppedEarly()}), a
 * cancel flag (the CLI sets it on Ctrl-C; same effect as the deadline), a progress callback, and the
 * number of threads a strategy may use. Immutable apart from the shared cancel flag.
 */
public final class SearchControl {
    private final long seed;
    private final long deadlineNanos;
    private final AtomicBoolean cancel;
    private final Consumer<SearchProgress> progress;
    private final int threads;

    private SearchControl(Builder b) {
        this.seed = b.seed;
        this.deadlineNanos = b.deadlineNanos;
        this.cancel = b.cancel;
        this.progress = b.progress;
        this.threads = b.threads;
    }

    /** Seed 0, no deadline, no progress, all processors. */
    public static SearchControl defaults() { return builder().build(); }

    public static Builder builder() { return new Builder(); }

    public long seed() { return seed; }

    public int threads() { return threads; }

    public AtomicBoolean cancelFlag() { return cancel; }

    /** Whether the deadline has passed or the search was cancelled. */
    public boolean shouldStop() { return cancel.get() || System.nanoTime() - deadlineNanos >= 0 && deadlineNanos != Long.MAX_VALUE; }

    public boolean hasDeadline() { return deadlineNanos != Long.MAX_VALUE; }

    /** Nanoseconds until the deadline (0 if passed; Long.MAX_VALUE without deadline). */
    public long remainingNanos() {
        if (deadlineNanos == Long.MAX_VALUE) return Long.MAX_VALUE;
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    public void report(SearchProgress p) {
        if (progress != null) progress.accept(p);
    }

    public static final class Builder {
        private long seed;
        private long deadlineNanos = Long.MAX_VALUE;
        private AtomicBoolean cancel = new AtomicBoolean();
        private Consumer<SearchProgress> progress;
        private int threads = Runtime.getRuntime().availableProcessors();

        public Builder seed(long seed) { this.seed = seed; return this; }

        /** Stops the search this long after {@code timeLimit} is called (the CLI's {@code --time}). */
        public Builder timeLimit(Duration limit) {
            long n = Math.max(0, limit.toNanos());
            this.deadlineNanos = System.nanoTime() + n;
            if (deadlineNanos == Long.MAX_VALUE) deadlineNanos--;
            return this;
        }

        /** An absolute deadline on the {@link System#nanoTime()} clock. */
        public Builder deadlineNanos(long nanoTime) {
            this.deadlineNanos = nanoTime == Long.MAX_VALUE ? nanoTime - 1 : nanoTime;
            return this;
        }

        public Builder cancel(AtomicBoolean flag) { this.cancel = Objects.requireNonNull(flag); return this; }

        public Builder progress(Consumer<SearchProgress> listener) { this.progress = listener; return this; }

        public Builder threads(int threads) {
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
            this.threads = threads;
            return this;
        }

        public SearchControl build() { return new SearchControl(this); }
    }
}
