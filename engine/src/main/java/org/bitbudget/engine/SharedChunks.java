package org.bitbudget.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/** How {@link FloatEngine#predict(java.util.List)} shares a batch's chunks among its threads. */
final class SharedChunks {
    private SharedChunks() {}

    /**
     * Runs chunks {@code 0 .. chunks-1} on the caller and the pool's workers together, each thread
     * taking the next chunk as soon as it finishes one. Taking chunks one at a time keeps the
     * threads busy to the end of the batch when one of them is slowed down, which a fixed split
     * into equal halves cannot; the caller working instead of waiting spares one worker's wake-up.
     * The first failure stops the remaining chunks and is rethrown once every thread has stopped.
     */
    static void run(ForkJoinPool pool, int threads, int chunks, IntConsumer chunk) {
        AtomicInteger next = new AtomicInteger();
        Runnable take = () -> {
            try {
                for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                    chunk.accept(c);
                }
            } catch (RuntimeException | Error e) {
                next.set(chunks);
                throw e;
            }
        };
        int helpers = Math.min(threads - 1, chunks - 1);
        List<ForkJoinTask<?>> running = new ArrayList<>(helpers);
        for (int h = 0; h < helpers; h++) {
            running.add(pool.submit(take));
        }
        Throwable failure = null;
        try {
            take.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (ForkJoinTask<?> task : running) {
            try {
                task.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }
}
