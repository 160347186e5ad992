package dev.safespawn.cli;

import java.time.Duration;
import java.util.Arrays;

/**
 * Times one operation again and again: a warm-up whose times are dropped
 * (class loading, JIT, the first page faults), then up to a number of timed
 * runs or a time budget, whichever ends first.
 */
final class SpawnTimer {
    private final int warmup;
    private final int iterations;
    private final Duration budget;

    /** An operation to time: here, one spawn of a child and the wait for its end. */
    @FunctionalInterface
    interface Operation {
        void run() throws Exception;
    }

    /**
     * What a measurement saw.
     *
     * @param nanos the time of each timed run, in run order
     * @param elapsedNanos wall time of all timed runs together, loop included
     */
    record Samples(long[] nanos, long elapsedNanos) {
    }

    SpawnTimer(int warmup, int iterations, Duration budget) {
        this.warmup = warmup;
        this.iterations = iterations;
        this.budget = budget;
    }

    /** Warms up, then times {@code op}; stops at the first exception, which propagates. */
    Samples measure(Operation op) throws Exception {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        long[] nanos = new long[iterations];
        int n = 0;
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        while (n < iterations) {
            long t0 = System.nanoTime();
            op.run();
            long t1 = System.nanoTime();
            nanos[n++] = t1 - t0;
            if (t1 - deadline >= 0) {
                break;
            }
        }
        return new Samples(Arrays.copyOf(nanos, n), System.nanoTime() - start);
    }
}
