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
    public static SearchControl defaults() {
        return builder().build();
    }

    /** A builder with the defaults of {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The seed of every random choice. */
    public long seed() {
        return seed;
    }

    /** Threads a strategy may use. */
    public int threads() {
        return threads;
    }

    /** The flag that cancels the search (shared: setting it stops every search using this control). */
    public AtomicBoolean cancelFlag() {
        return cancel;
    }

    /** Whether the deadline has passed or the search was cancelled. */
    public boolean shouldStop() {
        return cancel.get() || deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0;
    }

    /** Nanoseconds until the deadline (0 if passed; {@link Long#MAX_VALUE} without deadline). */
    public long remainingNanos() {
        if (deadlineNanos == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /** Tells the progress listener, if any. */
    public void report(SearchProgress p) {
        if (progress != null) {
            progress.accept(p);
        }
    }

    /** Options of a {@link SearchControl}. */
    public static final class Builder {
        private long seed;
        private long deadlineNanos = Long.MAX_VALUE;
        private AtomicBoolean cancel = new AtomicBoolean();
        private Consumer<SearchProgress> progress;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder() {}

        /** Seeds every random choice (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Stops the search this long after {@code timeLimit} is called (the CLI's {@code --time}). */
        public Builder timeLimit(Duration limit) {
            long n = Math.max(0, limit.toNanos());
            this.deadlineNanos = System.nanoTime() + n;
            if (deadlineNanos == Long.MAX_VALUE) {
                deadlineNanos--;
            }
            return this;
        }

        /** A flag whose setting (e.g. by Ctrl-C) stops the search as the deadline would. */
        public Builder cancel(AtomicBoolean flag) {
            this.cancel = Objects.requireNonNull(flag);
            return this;
        }

        /** Hears of the search's progress (default: nobody). */
        public Builder progress(Consumer<SearchProgress> listener) {
            this.progress = listener;
            return this;
        }

        /** Threads a strategy may use (default: all processors). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
            this.threads = threads;
            return this;
        }

        /** The control. */
        public SearchControl build() {
            return new SearchControl(this);
        }
    }
}
