package dev.safespawn.benchmarks;

import dev.safespawn.pool.MapOptions;
import dev.safespawn.pool.ProcessPool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Shows that {@code ProcessPool.map} over a lazy input holds a bounded number
 * of elements whatever the input's length: maps {@code x -> x + 1} over
 * {@code IntStream.range(0, N).boxed()} (never materialised) through a pool
 * of 2 workers, and after a {@code System.gc()} before the map and every N/10
 * results prints the heap in use. Run with a small {@code -Xmx} (PoolColdStart
 * runs it with 128 MiB): that it finishes at all is the proof, the samples
 * show the heap stays flat.
 *
 * <pre>
 * java -Xmx128m -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.MapMemory [ELEMENTS] [CHUNK]
 * </pre>
 */
public final class MapMemory {
    private MapMemory() {
    }

    /**
     * Runs the map and prints {@code @result} lines for PoolColdStart.
     *
     * @param args elements (default 10,000,000) and chunk size (default 1,000)
     * @throws Exception if the map fails
     */
    public static void main(String[] args) throws Exception {
        int elements = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int every = Math.max(1, elements / 10);
        List<Long> usedMiB = new ArrayList<>();
        usedMiB.add(usedAfterGc());
        long start = System.nanoTime();
        long sum = 0;
        try (ProcessPool pool = ProcessPool.builder().workers(2).output(ProcessPool.Output.discard()).build();
             Stream<Integer> results = pool.map(IntStream.range(0, elements).boxed(), PoolColdStart.INC,
                     MapOptions.ordered().chunkSize(chunk))) {
            Iterator<Integer> it = results.iterator();
            for (long n = 1; it.hasNext(); n++) {
                sum += it.next();
                if (n % every == 0) {
                    usedMiB.add(usedAfterGc());
                    System.out.printf("%,d results, heap in use %d MiB%n", n, usedMiB.get(usedMiB.size() - 1));
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (sum != (long) elements * (elements + 1) / 2) {
            throw new IllegalStateException("map of " + elements + " summed to " + sum);
        }
        ResultLines.emit(System.out, "elements", elements);
        ResultLines.emit(System.out, "every", every);
        ResultLines.emit(System.out, "seconds", String.format("%.1f", seconds));
        ResultLines.emit(System.out, "maxHeap", Runtime.getRuntime().maxMemory());
        ResultLines.emit(System.out, "usedMiB", usedMiB);
    }

    /** Heap in use after a full collection, in MiB. */
    private static long usedAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
