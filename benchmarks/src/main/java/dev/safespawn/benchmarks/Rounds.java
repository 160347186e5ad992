package dev.safespawn.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sides measured in the same run, in alternating rounds: each round takes
 * samples of every side, in an order rotated by one per round, so no side
 * always runs first or always right after the same neighbour, and a machine
 * that drifts moves all sides together. Samples are kept per round, so a
 * ratio is taken within each round ({@link #ratio}), never between medians
 * measured minutes apart.
 *
 * <p>Each round is bracketed by a {@link Check}: a round during which other
 * work disturbed the machine is thrown away, samples and all, and another is
 * run, until the wanted number of clean rounds or a bound on rounds tried.
 * A result that ran out of tries says so ({@link Ratio#complete()}), and the
 * targets then read "not measured" rather than a number from a busy machine.
 * The rotation follows the rounds tried, not the clean ones, so a discarded
 * round does not repeat the order of the one before.
 *
 * <p>Used by the suite's {@code targets} part and by {@link PoolColdStart}.
 * Not thread-safe: one thread runs the rounds and reads the results.
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

    /**
     * Whether a round was disturbed: {@link #start()} is called as the round
     * begins, and the returned {@link Watch} is asked as it ends. Tests supply
     * their own to mark rounds disturbed; {@link #PROC} is the real one.
     */
    @FunctionalInterface
    interface Check {
        Watch start();

        /**
         * Called after a disturbed round, before the next is tried: the real
         * check waits {@link #SETTLE_MILLIS}, so the tries are spread over
         * more time than one busy spell of the host's (the hypervisor's
         * steal comes in spells of seconds to minutes).
         */
        default void settle() throws InterruptedException {
        }

        /** How long {@link #PROC} waits after a disturbed round. */
        long SETTLE_MILLIS = 5_000;

        /** The question asked as a round ends. */
        @FunctionalInterface
        interface Watch {
            boolean disturbed();

            /** What the machine did, for the console; asked after {@link #disturbed()}. */
            default String why() {
                return "";
            }
        }

        /**
         * From /proc: other processes or the hypervisor took more than
         * {@link Conditions#DISTURBED_PERCENT} of the CPUs during the round.
         */
        Check PROC = new Check() {
            @Override
            public Watch start() {
                return procWatch();
            }

            @Override
            public void settle() throws InterruptedException {
                Thread.sleep(SETTLE_MILLIS);
            }
        };

        private static Watch procWatch() {
            Conditions.Snapshot start = Conditions.Snapshot.now();
            return new Watch() {
                private Conditions c;

                @Override
                public boolean disturbed() {
                    c = Conditions.Snapshot.now().since(start);
                    return c.disturbed();
                }

                @Override
                public String why() {
                    return String.format(java.util.Locale.ROOT, " (other processes %.1f %%%s, steal %.1f %%)",
                            c.othersPercent(), c.topOther().isEmpty() ? "" : ", most " + c.topOther(),
                            c.stealPercent());
                }
            };
        }
    }

    /** Rounds tried at most, per clean round wanted: a busy machine cannot stall a run for long. */
    static final int TRIES_PER_ROUND = 3;

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

    /** The clean rounds, in order: per series, that round's samples. */
    private final List<Map<String, long[]>> clean = new ArrayList<>();
    private final Set<String> series = new LinkedHashSet<>();
    private final int wanted;
    private int tried;

    private Rounds(int wanted) {
        this.wanted = wanted;
    }

    /**
     * {@link #run(List, int, int, int, Check)} with the /proc check and at
     * most {@link #TRIES_PER_ROUND} times {@code rounds} rounds tried.
     */
    static Rounds run(List<Side> sides, int rounds, int perRound) throws Exception {
        return run(sides, rounds, perRound, TRIES_PER_ROUND * rounds, Check.PROC);
    }

    /**
     * One untimed round of every side with one sample each (JIT, page cache,
     * imports; it also names the series), then rounds of {@code perRound}
     * samples of each side until {@code rounds} were clean by {@code check}
     * or {@code maxTries} were tried.
     */
    static Rounds run(List<Side> sides, int rounds, int perRound, int maxTries, Check check) throws Exception {
        if (rounds < 1 || maxTries < rounds) {
            throw new IllegalArgumentException("rounds " + rounds + ", tries at most " + maxTries);
        }
        Rounds result = new Rounds(rounds);
        for (Side side : sides) {
            result.series.addAll(side.take(1).keySet());
        }
        while (result.clean.size() < rounds && result.tried < maxTries) {
            int r = result.tried++;
            Map<String, long[]> round = new LinkedHashMap<>();
            Check.Watch watch = check.start();
            for (int k = 0; k < sides.size(); k++) {
                round.putAll(sides.get(Math.floorMod(r + k, sides.size())).take(perRound));
            }
            if (!round.keySet().equals(result.series)) {
                throw new IllegalStateException("round " + (r + 1) + " gave series " + round.keySet()
                        + ", the first gave " + result.series);
            }
            boolean disturbed = watch.disturbed();
            if (!disturbed) {
                result.clean.add(round);
            }
            System.out.printf("  round %d: %s%s; %d of %d clean%n", r + 1,
                    disturbed ? "DISTURBED, discarded" : "clean", watch.why(), result.clean.size(), rounds);
            if (disturbed && result.clean.size() < rounds && result.tried < maxTries) {
                check.settle();
            }
        }
        return result;
    }

    /** The series, in the order the sides first produced them. */
    Set<String> series() {
        return series;
    }

    /** Every sample of {@code series} over the clean rounds, sorted. */
    long[] all(String name) {
        return clean.stream().map(round -> round.get(name)).flatMapToLong(Arrays::stream).sorted().toArray();
    }

    /** Clean rounds kept. */
    int cleanRounds() {
        return clean.size();
    }

    /** Rounds run, clean or not (the untimed first one not counted). */
    int triedRounds() {
        return tried;
    }

    /** The nearest-rank percentile {@code p} of {@code sorted}, as the C floor and the Python scripts compute it. */
    static long percentile(long[] sorted, double p) {
        return sorted[rank(sorted.length, p)];
    }

    /** The same for doubles. */
    static double percentile(double[] sorted, double p) {
        return sorted[rank(sorted.length, p)];
    }

    private static int rank(int length, double p) {
        return (int) Math.max(1, Math.min(length, Math.ceil(p * length / 100))) - 1;
    }

    /**
     * {@code a / b} within each clean round, from each side's median in that
     * round, summarised: see {@link Ratio}. With no clean round every figure
     * is NaN.
     */
    Ratio ratio(String a, String b) {
        for (String s : List.of(a, b)) {
            if (!series.contains(s)) {
                throw new IllegalArgumentException("no series " + s + "; there are " + series);
            }
        }
        int n = clean.size();
        double[] ratios = new double[n];
        double[] medianA = new double[n];
        double[] medianB = new double[n];
        for (int r = 0; r < n; r++) {
            medianA[r] = median(clean.get(r).get(a));
            medianB[r] = median(clean.get(r).get(b));
            ratios[r] = medianA[r] / medianB[r];
        }
        return Ratio.of(ratios, medianA, medianB, tried, wanted);
    }

    /** The ratio of the two series' medians over all clean samples, for tools that print both. */
    double overall(String a, String b) {
        if (clean.isEmpty()) {
            return Double.NaN;
        }
        return (double) percentile(all(a), 50) / percentile(all(b), 50);
    }

    private static double median(long[] round) {
        long[] sorted = round.clone();
        Arrays.sort(sorted);
        return percentile(sorted, 50);
    }

    /**
     * One comparison: the ratio {@code a / b} taken in each clean round from
     * the two sides' medians in that round, and its distribution over the
     * rounds (nearest-rank percentiles, as elsewhere in the harness). The
     * median is the headline; p25–p75 and min–max show how much a rerun may
     * move it. {@code medianA} and {@code medianB} are each side's median of
     * its per-round medians, in the sides' unit (nanoseconds here).
     *
     * @param clean rounds the figures rest on
     * @param tried rounds run to get them, disturbed ones included
     * @param wanted clean rounds asked for
     */
    record Ratio(double median, double p25, double p75, double min, double max, double medianA, double medianB,
                 int clean, int tried, int wanted) {

        /** From per-round ratios and each side's per-round medians (any order; copied before sorting). */
        static Ratio of(double[] ratios, double[] medianA, double[] medianB, int tried, int wanted) {
            if (ratios.length == 0) {
                return new Ratio(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        0, tried, wanted);
            }
            double[] r = sorted(ratios);
            return new Ratio(percentile(r, 50), percentile(r, 25), percentile(r, 75), r[0], r[r.length - 1],
                    percentile(sorted(medianA), 50), percentile(sorted(medianB), 50), r.length, tried, wanted);
        }

        /** Whether every wanted round was clean: only then may a target be called met or missed. */
        boolean complete() {
            return clean >= wanted;
        }

        /** One line for the console. */
        String summary() {
            return String.format(java.util.Locale.ROOT,
                    "median of per-round ratios %.3f (p25–p75 %.3f–%.3f, min–max %.3f–%.3f; %d of %d rounds clean,"
                            + " %d wanted)", median, p25, p75, min, max, clean, tried, wanted);
        }

        private static double[] sorted(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            return s;
        }
    }
}
