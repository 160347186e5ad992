package dev.safespawn.examples;

import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.SerializableCallable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Sums the primes below a limit in four ranges, each in a worker JVM of a
 * {@link ProcessPool}: CPU-bound work spread over processes, with tasks
 * written as ordinary lambdas.
 *
 * <p>Prints one line with the sum and how many worker JVMs took part.
 */
public final class ParallelPool {
    private static final int LIMIT = 1_000_000;
    private static final int WORKERS = 4;

    private ParallelPool() {
    }

    /**
     * What one task sends back: its sum and the worker that computed it.
     *
     * @param sum the sum of the primes in the task's range
     * @param workerPid the process id of the worker JVM
     */
    record PartialSum(long sum, long workerPid) implements Serializable {
    }

    /** Runs the four tasks and prints the total. */
    public static void main(String[] args) throws Exception {
        // tag::pool[]
        long start = System.nanoTime();
        try (ProcessPool pool = ProcessPool.builder().workers(WORKERS).build()) {
            List<Future<PartialSum>> parts = new ArrayList<>();
            int step = LIMIT / WORKERS;
            for (int i = 0; i < WORKERS; i++) {
                int from = i * step;
                int to = i == WORKERS - 1 ? LIMIT : from + step;
                // The cast picks the serializable overload: the lambda travels to the worker.
                parts.add(pool.submit((SerializableCallable<PartialSum>) () ->
                        new PartialSum(sumOfPrimes(from, to), ProcessHandle.current().pid())));
            }
            long total = 0;
            List<Long> workers = new ArrayList<>();
            for (Future<PartialSum> part : parts) {
                PartialSum p = part.get();
                total += p.sum();
                if (!workers.contains(p.workerPid())) {
                    workers.add(p.workerPid());
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("ParallelPool: the primes below " + LIMIT + " sum to " + total + ", computed in "
                    + WORKERS + " ranges by " + workers.size() + " worker JVMs in " + millis + " ms");
        }
        // end::pool[]
    }

    /** The sum of the primes p with {@code from <= p < to}, by trial division: slow enough to be worth sharing. */
    static long sumOfPrimes(int from, int to) {
        long sum = 0;
        for (int n = Math.max(2, from); n < to; n++) {
            if (isPrime(n)) {
                sum += n;
            }
        }
        return sum;
    }

    private static boolean isPrime(int n) {
        if (n < 4) {
            return n >= 2;
        }
        if (n % 2 == 0) {
            return false;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
