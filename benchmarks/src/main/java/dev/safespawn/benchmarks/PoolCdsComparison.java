package dev.safespawn.benchmarks;

import dev.safespawn.Spawner;
import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.SerializableCallable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What class-data sharing saves a pool worker: build a one-worker pool, run
 * one task, close it, with {@link ProcessPool.Builder#classDataSharing} on
 * and off, alternating within each round so both share the JVM, the moment
 * and the machine's mood. Prints each side's median wall time and the
 * worker's processor time up to its task (less sensitive to a busy machine),
 * and the medians of the per-round ratios (on / off; 1.00 means no
 * difference). Run from the benchmarks jar: its class path is one jar, which
 * CDS needs. The first pool trains the archive (in the user's cache, as any
 * pool would); measuring starts once a worker is given it.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.PoolCdsComparison [ROUNDS]
 * </pre>
 */
public final class PoolCdsComparison {
    /** The task: the worker's processor time so far, and whether the pool gave it an archive. */
    private static final SerializableCallable<long[]> PROBE = () -> {
        ProcessHandle.Info self = ProcessHandle.current().info();
        boolean archive = self.arguments().map(a -> Arrays.stream(a).anyMatch(o -> o.startsWith("-XX:SharedArchiveFile=")))
                .orElse(false);
        return new long[] {self.totalCpuDuration().orElse(Duration.ZERO).toNanos(), archive ? 1 : 0};
    };
    private static final Duration TRAINING_LIMIT = Duration.ofMinutes(5);

    private PoolCdsComparison() {
    }

    /**
     * Runs the comparison and prints the result.
     *
     * @param args optional: number of measured rounds (default 30)
     * @throws Exception if a pool fails, or CDS never comes on
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        try (Spawner spawner = Spawner.create()) {
            long deadline = System.nanoTime() + TRAINING_LIMIT.toNanos();
            while (round(spawner, true)[2] == 0) { // the first starts the training; the archive is ready when a worker gets it
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no worker got a CDS archive: is the class path one jar, the JDK 13+?");
                }
            }
            long[][] on = new long[rounds][];
            long[][] off = new long[rounds][];
            for (int r = -3; r < rounds; r++) { // three rounds of warm-up
                boolean onFirst = Math.floorMod(r, 2) == 0;
                long[] first = round(spawner, onFirst);
                long[] second = round(spawner, !onFirst);
                if (r >= 0) {
                    on[r] = onFirst ? first : second;
                    off[r] = onFirst ? second : first;
                }
            }
            System.out.printf("java %s, strategy %s, %d rounds of one pool per side%n",
                    System.getProperty("java.version"), spawner.strategyName(), rounds);
            for (int i = 0; i < 2; i++) {
                String what = i == 0 ? "pool built, one task, closed" : "worker processor time to its task";
                int k = i;
                double[] ratios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratios[r] = (double) on[r][k] / off[r][k];
                }
                System.out.printf("%-36s on median %.1f ms, off median %.1f ms, on / off median %.3f%n", what + ":",
                        median(List.of(on).stream().mapToDouble(x -> x[k] / 1e6).toArray()),
                        median(List.of(off).stream().mapToDouble(x -> x[k] / 1e6).toArray()), median(ratios));
            }
        }
    }

    /** Nanoseconds to build a pool, run the probe and close it; the worker's processor nanoseconds; 1 if it had an archive. */
    private static long[] round(Spawner spawner, boolean cds) throws Exception {
        long start = System.nanoTime();
        long[] probe;
        try (ProcessPool pool = ProcessPool.builder().workers(1).spawner(spawner).classDataSharing(cds)
                .output(ProcessPool.Output.discard()).build()) {
            probe = pool.submit(PROBE).get();
        }
        if (!cds && probe[1] != 0) {
            throw new IllegalStateException("a worker got an archive with CDS off");
        }
        return new long[] {System.nanoTime() - start, probe[0], probe[1]};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
