package dev.safespawn.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The performance targets the issues set (issue 7 first), checked against
 * one run's results. Every ratio target is judged on its comparison in the
 * suite's {@code targets} part ({@link TargetComparisons}): both sides in
 * alternating rounds in the same minutes, the ratio taken within each round.
 * A target is met when the median of its per-round ratios is within the
 * limit, and is called met or missed only when every round it wanted was
 * undisturbed; otherwise it reads "not measured (disturbed: K of N rounds
 * clean)". The JMH parts describe the distributions; no target comes from
 * them. The library-threads target is a count from the concurrent part.
 */
final class Targets {
    private Targets() {
    }

    /** How a target came out; {@code REPORTED} is a figure with no limit yet. */
    enum Status { MET, MISSED, NOT_MEASURED, REPORTED }

    /**
     * One target: what it asks, what was measured, and whether that meets it.
     *
     * @param measured the median of the per-round ratios with its notes, or why there is none
     * @param ratio the comparison it was judged on; null for a count or when not measured
     * @param sides each side's median of its per-round medians, in words; empty if none
     * @param anchor the report section that holds the descriptive numbers
     */
    record Target(String what, String wanted, String measured, Status status, String anchor, Rounds.Ratio ratio,
                  String sides) {
    }

    /**
     * A limit on a ratio: at most or at least {@code value}; {@link #NONE} for a
     * figure only reported.
     */
    record Limit(double value, boolean atMost) {
        static final Limit NONE = new Limit(Double.NaN, true);

        static Limit atMost(double value) {
            return new Limit(value, true);
        }

        static Limit atLeast(double value) {
            return new Limit(value, false);
        }

        String words() {
            return Double.isNaN(value) ? "reported" : (atMost ? "≤ " : "≥ ") + x(value);
        }

        boolean meets(double ratio) {
            return atMost ? ratio <= value : ratio >= value;
        }
    }

    static List<Target> evaluate(Results r) {
        List<Target> out = new ArrayList<>();
        TargetComparisons.Sizes sizes = TargetComparisons.Sizes.of(r.profile);

        out.add(judge("posix_spawn spawn+wait vs the C floor", Limit.atMost(1.15), r,
                TargetComparisons.POSIX_FLOOR, "; vs the floor with pipes " + median(r,
                        TargetComparisons.POSIX_FLOOR_PIPES), Unit.MICROS, "posix_spawn", "C floor", "spawn"));
        out.add(judge("ProcessBuilder vs posix_spawn (how many times faster)", Limit.atLeast(2.0), r,
                TargetComparisons.PB_POSIX, "", Unit.MICROS, "ProcessBuilder", "posix_spawn", "spawn"));
        out.add(judge("zygote spawn+wait vs the C floor", Limit.atMost(1.20), r, TargetComparisons.ZYGOTE_FLOOR,
                "; vs the floor with pipes " + median(r, TargetComparisons.ZYGOTE_FLOOR_PIPES) + "; standby 2: "
                        + median(r, TargetComparisons.STANDBY_FLOOR), Unit.MICROS, "zygote", "C floor", "spawn"));

        out.add(judge("Run: capture `" + String.join(" ", TargetComparisons.CAPTURED) + "` vs the C floor's"
                + " spawn+wait of it with pipes", Limit.atMost(1.10), r, TargetComparisons.RUN_FLOOR,
                "; over the same floor: ProcessBuilder + readAllBytes " + median(r, TargetComparisons.PB_CAPTURE_FLOOR)
                        + ", Commons Exec + PumpStreamHandler " + median(r, TargetComparisons.EXEC_CAPTURE_FLOOR)
                        + ", Python subprocess.run " + median(r, TargetComparisons.PYTHON_RUN_FLOOR),
                Unit.MICROS, "Run", "C floor", "capture"));

        int big = r.profile.heapsMiB().stream().mapToInt(Integer::intValue).max().orElse(0);
        String heaps = Report.heapLabel(big) + " vs " + Report.heapLabel(TargetComparisons.SMALL_HEAP_MIB);
        out.add(judge("posix_spawn, " + heaps + " of touched heap", Limit.atMost(1.1), r,
                TargetComparisons.heapKey(LauncherKind.POSIX_SPAWN), "", Unit.MICROS, Report.heapLabel(big),
                Report.heapLabel(TargetComparisons.SMALL_HEAP_MIB), "heap"));
        out.add(judge("zygote, " + heaps + " of touched heap", Limit.atMost(1.1), r,
                TargetComparisons.heapKey(LauncherKind.ZYGOTE), "; fork_exec (fork), shown for contrast: "
                        + median(r, TargetComparisons.heapKey(LauncherKind.FORK_EXEC_FORK)), Unit.MICROS,
                Report.heapLabel(big), Report.heapLabel(TargetComparisons.SMALL_HEAP_MIB), "heap"));

        Results.Concurrent c = r.concurrent.get(LauncherKind.POSIX_SPAWN);
        out.add(new Target("library threads (safespawn-*) with " + r.profile.children()
                + " concurrent children, posix_spawn", "≤ 2",
                c == null ? "not measured" : c.libraryThreads() + others(r),
                c == null ? Status.NOT_MEASURED : c.libraryThreads() <= 2 ? Status.MET : Status.MISSED, "concurrent",
                null, ""));

        // time per child: lower is faster, so ProcessBuilder's time over ours is our throughput over its
        out.add(judge("stdout throughput, posix_spawn vs ProcessBuilder", Limit.atLeast(1.0), r,
                TargetComparisons.STDOUT, "", Unit.mibPerSecond(sizes.stdoutBytes()), "ProcessBuilder",
                "posix_spawn", "stdout"));
        out.add(judge("ProcessPool warm round trip vs Python ProcessPoolExecutor", Limit.atMost(0.5), r,
                TargetComparisons.POOL_ROUND_TRIP, "", Unit.MICROS, "ProcessPool", "Python", "pool"));
        out.add(judge("Subprocess.call with one standby worker vs Python multiprocessing.Process start + join,"
                + " fork", Limit.atMost(1.0), r, TargetComparisons.STANDBY_PYTHON_FORK, "", Unit.MILLIS,
                "Subprocess.call", "Python", "pool"));
        out.add(judge("Subprocess.call, fresh JVM, vs a bare JVM printing hello with the same options",
                Limit.atMost(2.0), r, TargetComparisons.CALL_HELLO, "", Unit.MILLIS, "Subprocess.call", "hello",
                "pool"));
        out.add(judge("ProcessPool of 4 workers, from its build to the first of 4 trivial results, vs Python"
                + " ProcessPoolExecutor(4), fork", Limit.NONE, r, TargetComparisons.FIRST_PYTHON_FORK, "",
                Unit.MILLIS, "ProcessPool", "Python", "pool"));
        out.add(judge(String.format(Locale.ROOT, "ProcessPool.map throughput vs ProcessPoolExecutor.map, %,d tasks"
                        + " over 4 workers, chunk %,d (Java's elements/s over Python's)", sizes.mapElements(),
                sizes.mapChunk()), Limit.NONE, r, TargetComparisons.POOL_THROUGHPUT, "",
                Unit.perSecond(sizes.mapElements()), "Python", "ProcessPool", "pool"));
        return out;
    }

    /** How a side's median (nanoseconds) is shown. */
    interface Unit {
        String show(double nanos);

        Unit MICROS = nanos -> String.format(Locale.ROOT, nanos >= 100_000 ? "%.0f µs" : "%.1f µs", nanos / 1000);
        Unit MILLIS = nanos -> String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);

        static Unit mibPerSecond(long bytes) {
            return nanos -> String.format(Locale.ROOT, "%.0f MiB/s", bytes / 1048576.0 / (nanos / 1e9));
        }

        static Unit perSecond(int elements) {
            return nanos -> String.format(Locale.ROOT, "%,.0f elements/s", elements / (nanos / 1e9));
        }
    }

    /** The target of one comparison; {@code a} and {@code b} name its sides, numerator first. */
    private static Target judge(String what, Limit limit, Results r, String key, String note, Unit unit, String a,
                                String b, String anchor) {
        if (!r.targetsRan) {
            return new Target(what, limit.words(), "not measured (the targets part did not run)",
                    Status.NOT_MEASURED, anchor, null, "");
        }
        return judge(what, limit, r.comparisons.get(key), note, unit, a, b, anchor);
    }

    /**
     * The status rule: no comparison, or one with fewer clean rounds than it
     * wanted, is not measured; otherwise the median of the per-round ratios
     * meets the limit or misses it (a figure without a limit is reported).
     */
    static Target judge(String what, Limit limit, Rounds.Ratio ratio, String note, Unit unit, String a, String b,
                        String anchor) {
        if (ratio == null) {
            return new Target(what, limit.words(), "not measured", Status.NOT_MEASURED, anchor, null, "");
        }
        String sides = Double.isNaN(ratio.medianA()) ? ""
                : a + " " + unit.show(ratio.medianA()) + ", " + b + " " + unit.show(ratio.medianB());
        if (!ratio.complete()) {
            return new Target(what, limit.words(), "not measured (disturbed: " + ratio.clean() + " of "
                    + ratio.tried() + " rounds clean)", Status.NOT_MEASURED, anchor, ratio, sides);
        }
        Status status = Double.isNaN(limit.value()) ? Status.REPORTED
                : limit.meets(ratio.median()) ? Status.MET : Status.MISSED;
        // three decimals: a ratio of 1.996 against "≥ 2.00×" must not read "2.00×, missed"
        return new Target(what, limit.words(), String.format(Locale.ROOT, "%.3f×", ratio.median()) + note, status,
                anchor, ratio, sides);
    }

    /** A comparison's median ratio for a note, or why there is none. */
    private static String median(Results r, String key) {
        Rounds.Ratio ratio = r.comparisons.get(key);
        if (ratio == null) {
            return "n/a";
        }
        return ratio.complete() ? x(ratio.median())
                : "n/a (disturbed: " + ratio.clean() + " of " + ratio.tried() + " rounds clean)";
    }

    private static String others(Results r) {
        StringBuilder s = new StringBuilder();
        for (LauncherKind k : List.of(LauncherKind.FORK_EXEC_VFORK, LauncherKind.ZYGOTE)) {
            Results.Concurrent c = r.concurrent.get(k);
            if (c != null) {
                s.append("; ").append(k.id()).append(": ").append(c.libraryThreads());
            }
        }
        return s.toString();
    }

    static String x(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f×", ratio);
    }
}
