package org.bitbudget.sensitivity;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs independent tasks on a fixed number of threads, rethrowing the first failure unwrapped. */
final class Parallel {
    private Parallel() {}

    /** Calls {@code task} for 0 … {@code n}−1 on {@code threads} threads (in this thread when 1). */
    static void forEach(int threads, int n, IntConsumer task) {
        if (threads <= 1 || n <= 1) {
            for (int i = 0; i < n; i++) {
                task.accept(i);
            }
            return;
        }
        ForkJoinPool pool = new ForkJoinPool(Math.min(threads, n));
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(task)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
    }
}
