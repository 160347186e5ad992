package dev.safespawn.cli;

import java.util.Arrays;

/**
 * The summary of one launcher's {@link SpawnTimer.Samples}.
 *
 * @param count timed runs
 * @param perSecond runs per second of wall time
 * @param medianMicros the median run, in microseconds
 * @param p90Micros the 90th percentile (nearest rank), in microseconds
 */
record LatencyStats(int count, double perSecond, double medianMicros, double p90Micros) {

    /**
     * Summarizes {@code samples}.
     *
     * @throws IllegalArgumentException if there are none
     */
    static LatencyStats of(SpawnTimer.Samples samples) {
        long[] sorted = samples.nanos().clone();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        Arrays.sort(sorted);
        double perSecond = sorted.length * 1e9 / Math.max(1, samples.elapsedNanos());
        return new LatencyStats(sorted.length, perSecond, percentile(sorted, 50) / 1e3, percentile(sorted, 90) / 1e3);
    }

    /** The nearest-rank percentile: the smallest sample with at least {@code p} % of samples at or below it. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
