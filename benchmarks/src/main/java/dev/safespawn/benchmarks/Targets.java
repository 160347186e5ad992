package dev.safespawn.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The targets of issue 7, checked against one run's results. Each is a ratio
 * of medians (or a count) with the direction it must go; a target whose
 * inputs were not measured says so rather than pass.
 */
final class Targets {
    private Targets() {
    }

    /** How a target came out. */
    enum Status { MET, MISSED, NOT_MEASURED }

    /**
     * One target: what it asks, what was measured, and whether that meets it.
     *
     * @param anchor the report section that holds the numbers
     */
    record Target(String what, String wanted, String measured, Status status, String anchor) {
    }

    static List<Target> evaluate(Results r) {
        List<Target> out = new ArrayList<>();
        Map<LauncherKind, Stats> base = r.spawn.get(0);

        Stats posix = base == null ? null : base.get(LauncherKind.POSIX_SPAWN);
        Stats zygote = base == null ? null : base.get(LauncherKind.ZYGOTE);
        Stats standby = base == null ? null : base.get(LauncherKind.ZYGOTE_STANDBY2);
        Stats pb = base == null ? null : base.get(LauncherKind.PROCESS_BUILDER);

        out.add(atMost("posix_spawn spawn+wait vs the C floor", 1.15,
                ratio(posix, r.floorAround(LauncherKind.POSIX_SPAWN, false)),
                "; vs the floor with pipes " + x(ratio(posix, r.floorAround(LauncherKind.POSIX_SPAWN, true))), "spawn"));
        out.add(atLeast("ProcessBuilder vs posix_spawn (how many times faster)", 2.0,
                pb == null || posix == null ? Double.NaN : pb.p50() / posix.p50(), "", "spawn"));
        out.add(atMost("zygote spawn+wait vs the C floor", 1.25, ratio(zygote, r.floorAround(LauncherKind.ZYGOTE, false)),
                "; vs the floor with pipes " + x(ratio(zygote, r.floorAround(LauncherKind.ZYGOTE, true)))
                        + "; standby 2: " + x(ratio(standby, r.floorAround(LauncherKind.ZYGOTE_STANDBY2, false))),
                "spawn"));

        int big = r.profile.heapsMiB().stream().mapToInt(Integer::intValue).max().orElse(0);
        String heaps = Report.heapLabel(big) + " vs 64 MiB";
        Map<LauncherKind, Stats> small = r.spawn.get(64);
        Map<LauncherKind, Stats> large = r.spawn.get(big);
        out.add(atMost("posix_spawn, " + heaps + " of touched heap", 1.1,
                heapRatio(small, large, LauncherKind.POSIX_SPAWN), "", "heap"));
        out.add(atMost("zygote, " + heaps + " of touched heap", 1.1, heapRatio(small, large, LauncherKind.ZYGOTE),
                "; fork_exec (fork), shown for contrast: "
                        + x(heapRatio(small, large, LauncherKind.FORK_EXEC_FORK)), "heap"));

        Results.Concurrent c = r.concurrent.get(LauncherKind.POSIX_SPAWN);
        out.add(new Target("library threads (safespawn-*) with " + r.profile.children()
                + " concurrent children, posix_spawn", "≤ 2",
                c == null ? "not measured" : c.libraryThreads() + others(r),
                c == null ? Status.NOT_MEASURED : c.libraryThreads() <= 2 ? Status.MET : Status.MISSED, "concurrent"));

        Stats sOut = r.stdout.get(LauncherKind.POSIX_SPAWN);
        Stats pbOut = r.stdout.get(LauncherKind.PROCESS_BUILDER);
        // time per child: lower is faster, so ProcessBuilder's time over ours is our throughput over its
        out.add(atLeast("stdout throughput, posix_spawn vs ProcessBuilder", 1.0,
                sOut == null || pbOut == null ? Double.NaN : pbOut.p50() / sOut.p50(), "", "stdout"));

        Stats ppe = r.python.get("ppe");
        out.add(atMost("ProcessPool warm round trip vs Python ProcessPoolExecutor", 0.5,
                r.poolRoundTrip == null || ppe == null ? Double.NaN : r.poolRoundTrip.p50() / ppe.p50(),
                r.poolRoundTrip == null || ppe == null ? ""
                        : String.format(Locale.ROOT, " (%.0f µs vs %.0f µs)", r.poolRoundTrip.p50(), ppe.p50()),
                "pool"));
        return out;
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

    private static double ratio(Stats s, double floor) {
        return s == null ? Double.NaN : s.p50() / floor;
    }

    private static double heapRatio(Map<LauncherKind, Stats> small, Map<LauncherKind, Stats> large, LauncherKind k) {
        if (small == null || large == null || small.get(k) == null || large.get(k) == null) {
            return Double.NaN;
        }
        return large.get(k).p50() / small.get(k).p50();
    }

    private static Target atMost(String what, double limit, double value, String note, String anchor) {
        return new Target(what, "≤ " + x(limit), Double.isNaN(value) ? "not measured" : x(value) + note,
                Double.isNaN(value) ? Status.NOT_MEASURED : value <= limit ? Status.MET : Status.MISSED, anchor);
    }

    private static Target atLeast(String what, double limit, double value, String note, String anchor) {
        return new Target(what, "≥ " + x(limit), Double.isNaN(value) ? "not measured" : x(value) + note,
                Double.isNaN(value) ? Status.NOT_MEASURED : value >= limit ? Status.MET : Status.MISSED, anchor);
    }

    static String x(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f×", ratio);
    }
}
