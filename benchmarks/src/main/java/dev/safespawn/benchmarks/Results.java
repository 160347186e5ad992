package dev.safespawn.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Everything one run measured, filled in section by section by {@link Suite}. Not thread-safe. */
final class Results {
    final Profile profile;
    final Instant started = Instant.now();
    Instant finished;
    /**
     * The targets part's comparisons, by the keys of {@link TargetComparisons};
     * what the targets are judged on. Empty if that part did not run.
     */
    final Map<String, Rounds.Ratio> comparisons = new LinkedHashMap<>();
    /** Whether the targets part ran (a comparison may still be missing: see {@link #problems}). */
    boolean targetsRan;
    /** Heap MiB (0: no ballast) → launcher → spawn+wait latency, µs. */
    final Map<Integer, Map<LauncherKind, Stats>> spawn = new TreeMap<>();
    /** The slot of the floor run after the last launcher. */
    static final String FLOOR_END = "end";
    /** Runs of the C floor, in order: one pair (plain, pipes) before each launcher, one at the end. */
    final List<FloorRun> floor = new ArrayList<>();
    /** Launcher → time to read the whole stdout, ms per child. */
    final Map<LauncherKind, Stats> stdout = new EnumMap<>(LauncherKind.class);
    /** ProcessPool warm round trip and Subprocess.call, µs; null if not run. */
    Stats poolRoundTrip;
    Stats subprocessCall;
    /** Python references, µs, by key (ppe, mp_forkserver, mp_spawn, mp_fork); empty without python3. */
    final Map<String, Stats> python = new LinkedHashMap<>();
    final Map<String, String> pythonInfo = new LinkedHashMap<>();
    final Map<LauncherKind, Concurrent> concurrent = new EnumMap<>(LauncherKind.class);
    final Map<LauncherKind, Failure> failure = new EnumMap<>(LauncherKind.class);
    /**
     * Part → what the machine did meanwhile (load, steal): on a shared
     * machine, other work skews the numbers, and the report should show it.
     */
    final Map<String, Conditions> conditions = new LinkedHashMap<>();
    /** What did not run or failed, in words, for the report. */
    final List<String> problems = new ArrayList<>();

    Results(Profile profile) {
        this.profile = profile;
    }

    /**
     * The floor a launcher is compared with: the mean of the medians of the
     * floor runs just before and just after its spawn runs (the next
     * launcher's "before" run, or the last one), so drift of the machine over
     * the run does not land on one launcher. NaN if either is missing.
     */
    double floorAround(LauncherKind kind, boolean pipes) {
        List<FloorRun> runs = floor.stream().filter(f -> f.pipes() == pipes).toList();
        for (int i = 0; i + 1 < runs.size(); i++) {
            if (runs.get(i).slot().equals(kind.id())) {
                return (runs.get(i).stats().p50() + runs.get(i + 1).stats().p50()) / 2;
            }
        }
        return Double.NaN;
    }

    /** All floor runs of one kind summarised: each statistic is the median of that statistic over the runs. */
    Stats floorSummary(boolean pipes) {
        List<Stats> runs = floor.stream().filter(f -> f.pipes() == pipes).map(FloorRun::stats).toList();
        if (runs.isEmpty()) {
            return null;
        }
        return new Stats(median(runs, Stats::p10), median(runs, Stats::p50), median(runs, Stats::p90),
                median(runs, Stats::mean), Double.NaN, runs.stream().mapToLong(Stats::n).sum(), runs.get(0).unit());
    }

    private static double median(List<Stats> runs, java.util.function.ToDoubleFunction<Stats> field) {
        double[] v = runs.stream().mapToDouble(field).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * One run of the C floor.
     *
     * @param slot the id of the launcher whose spawn runs come next, or {@link #FLOOR_END}
     */
    record FloorRun(String slot, boolean pipes, Stats stats) {
    }

    /** Scenario 3 for one launcher; times per round in ms. */
    record Concurrent(int children, List<Long> startMs, List<Long> reapMs, int peakThreads, int threadsBefore,
                      int libraryThreads, String libraryThreadNames, long heapHeldBytes, String threadKinds) {
        long medianTotalMs() {
            List<Long> totals = new ArrayList<>();
            for (int i = 0; i < startMs.size(); i++) {
                totals.add(startMs.get(i) + reapMs.get(i));
            }
            totals.sort(null);
            return totals.get(totals.size() / 2);
        }

        static long median(List<Long> values) {
            List<Long> sorted = new ArrayList<>(values);
            sorted.sort(null);
            return sorted.get(sorted.size() / 2);
        }
    }

    /** Scenario 6 for one launcher. */
    record Failure(long failures, double seconds, int fdsBefore, int fdsAfter, int fdsAfterGc, int threadsBefore,
                   int threadsAfter, String outcome) {
        double perSecond() {
            return failures / seconds;
        }
    }
}
