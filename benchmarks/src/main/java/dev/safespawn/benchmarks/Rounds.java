package dev.safespawn.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sides measured in the same run, in alternating rounds: each round takes
 * samples of every side, in an order rotated by one per round, so no side
 * always runs first or always right after the same neighbour, and a machine
 * that drifts moves all sides together. Samples are kept per round, so a
 * ratio can also be taken within each round. Used by {@link PoolColdStart}.
 *
 * <p>Not thread-safe: one thread runs the rounds and reads the results.
 */
final class Rounds {
    /** One side: takes {@code n} samples of each of its series, in nanoseconds; a Python run gives several series. */
    interface Side {
        Map<String, long[]> take(int n) throws Exception;
    }

    /** One sample in nanoseconds; it times only its own part, so set-up and tear-down can stay outside. */
    interface Sample {
        long nanos() throws Exception;
    }

    /** A call whose whole duration is the sample. */
    interface Call {
        void run() throws Exception;
    }

    /** A side of one series whose {@code n} samples are {@code n} runs of {@code sample}. */
    static Side timed(String series, Sample sample) {
        return n -> {
            long[] samples = new long[n];
            for (int i = 0; i < n; i++) {
                samples[i] = sample.nanos();
            }
            return Map.of(series, samples);
        };
    }

    /** Nanoseconds that {@code call} took. */
    static long elapsed(Call call) throws Exception {
        long start = System.nanoTime();
        call.run();
        return System.nanoTime() - start;
    }

    /** Per series, in the order the sides first produced them: per round, that round's samples. */
    private final Map<String, long[][]> samples = new LinkedHashMap<>();
    private final int rounds;

    private Rounds(int rounds) {
        this.rounds = rounds;
    }

    /**
     * One untimed round of every side with one sample each (JIT, page cache,
     * imports), then {@code rounds} measured rounds of {@code perRound}
     * samples of each side.
     */
    static Rounds run(List<Side> sides, int rounds, int perRound) throws Exception {
        Rounds result = new Rounds(rounds);
        for (Side side : sides) {
            side.take(1).keySet().forEach(series -> result.samples.put(series, new long[rounds][]));
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < sides.size(); k++) {
                Side side = sides.get(Math.floorMod(r + k, sides.size()));
                for (Map.Entry<String, long[]> e : side.take(perRound).entrySet()) {
                    long[][] perRoundSamples = result.samples.get(e.getKey());
                    if (perRoundSamples == null) {
                        throw new IllegalStateException("series " + e.getKey() + " missing from the first round");
                    }
                    perRoundSamples[r] = e.getValue();
                }
            }
            System.out.printf("  round %d of %d done%n", r + 1, rounds);
        }
        return result;
    }

    /** The series, in the order the sides first produced them. */
    Set<String> series() {
        return samples.keySet();
    }

    /** Every sample of {@code series}, sorted. */
    long[] all(String series) {
        List<Long> all = new ArrayList<>();
        for (long[] round : samples.get(series)) {
            for (long s : round) {
                all.add(s);
            }
        }
        return all.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** The nearest-rank percentile {@code p} of {@code sorted}, as the C floor and the Python scripts compute it. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.max(1, Math.min(sorted.length, Math.ceil(p * sorted.length / 100)));
        return sorted[rank - 1];
    }

    /**
     * {@code a / b}: the ratio of the medians over all samples, then the
     * median, minimum and maximum of the ratio of the two sides' medians
     * within each round, which a drifting machine moves less.
     */
    String ratio(String a, String b) {
        double[] perRound = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            perRound[r] = (double) median(samples.get(a)[r]) / median(samples.get(b)[r]);
        }
        Arrays.sort(perRound);
        double overall = (double) percentile(all(a), 50) / percentile(all(b), 50);
        return String.format("%.2f (per round: median %.2f, min %.2f, max %.2f)", overall,
                perRound[rounds / 2], perRound[0], perRound[rounds - 1]);
    }

    private static long median(long[] round) {
        long[] sorted = round.clone();
        Arrays.sort(sorted);
        return percentile(sorted, 50);
    }
}
