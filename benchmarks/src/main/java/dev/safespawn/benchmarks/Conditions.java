package dev.safespawn.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the machine did while one part ran, from /proc: the share of all CPU
 * time spent running anything, the share the hypervisor stole for other
 * guests, and the share used by processes that are not this run's. On a
 * shared 2-core VM the last two decide whether a part's numbers mean anything,
 * so the harness waits for quiet before a part and reruns a disturbed one.
 *
 * @param seconds how long the part took
 * @param busyPercent share of all CPUs' time spent running anything, this run included
 * @param stealPercent share of it the hypervisor gave to other guests: time this run wanted and did not get
 * @param othersPercent share used by other processes alive at the end (kernel threads excluded); one that
 *        started meanwhile counts with all its CPU time unless init is its parent (an orphan, perhaps a helper
 *        this run left behind, such as Python's fork server); one that ended meanwhile cannot be seen
 * @param topOther the other process that used the most, as "pid name", or "" if none used any
 * @param waitedSeconds how long the harness waited for quiet before the part
 * @param attempt 1, or 2 for a part rerun because the first try was disturbed
 */
record Conditions(double seconds, String loadStart, String loadEnd, double busyPercent, double stealPercent,
                  double othersPercent, double waitedSeconds, int attempt, String topOther) {

    /** Above this share of other processes' CPU or of steal, a part counts as disturbed. */
    static final double DISTURBED_PERCENT = 5;

    /** Idle means this: a harness between parts barely runs. */
    static final double QUIET_BUSY_PERCENT = 8;

    /** Whether other work took enough of the machine to skew this part. */
    boolean disturbed() {
        return othersPercent > DISTURBED_PERCENT || stealPercent > DISTURBED_PERCENT;
    }

    /** The same, with how long the harness waited beforehand and which try this was. */
    Conditions after(double waited, int attemptNumber) {
        return new Conditions(seconds, loadStart, loadEnd, busyPercent, stealPercent, othersPercent, waited,
                attemptNumber, topOther);
    }

    /**
     * Waits until, over a 2-second window, the CPUs were at most
     * {@link #QUIET_BUSY_PERCENT} busy, or until {@code maxSeconds} have
     * passed (at least one window is measured if it is positive); returns the
     * seconds waited. Shared by the suite and the stand-alone comparisons.
     */
    static double waitForQuiet(double maxSeconds) {
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1e9 < maxSeconds) {
            Snapshot s0 = Snapshot.now();
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Conditions c = Snapshot.now().since(s0);
            if (!(c.busyPercent() > QUIET_BUSY_PERCENT)) {
                break;
            }
            System.out.printf("... waiting for the machine to go quiet (%.0f %% busy)%n", c.busyPercent());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** One line for a comparison's output: what the machine did, and whether that disturbed the numbers. */
    String summary() {
        return String.format("machine over %.0f s: busy %.1f %%, steal %.1f %%, other processes %.1f %% of the CPUs%s;"
                        + " load %s -> %s; waited %.0f s for quiet%s", seconds, busyPercent, stealPercent,
                othersPercent, topOther.isEmpty() ? "" : " (most: " + topOther + ")", loadStart, loadEnd,
                waitedSeconds,
                disturbed() ? " -- DISTURBED (over " + (int) DISTURBED_PERCENT + " %): do not trust these numbers"
                        : "");
    }

    /**
     * The machine's counters at one moment: /proc/stat's first line, the CPU
     * time of every other process, the 1-minute load average.
     */
    record Snapshot(long nanos, long[] jiffies, Map<String, long[]> others, String load) {
        private static final long SELF = ProcessHandle.current().pid();

        static Snapshot now() {
            long[] j = new long[0];
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                j = new long[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    j[i - 1] = Long.parseLong(f[i]);
                }
            } catch (IOException | RuntimeException e) {
                // no /proc/stat: the conditions then say n/a
            }
            return new Snapshot(System.nanoTime(), j, otherProcesses(), Machine.loadAverage());
        }

        /** What the machine did from {@code start} to this snapshot. */
        Conditions since(Snapshot start) {
            double seconds = (nanos - start.nanos) / 1e9;
            if (jiffies.length < 8 || start.jiffies.length < 8) {
                return new Conditions(seconds, start.load, load, Double.NaN, Double.NaN, Double.NaN, 0, 1, "");
            }
            long total = 0;
            for (int i = 0; i < 8; i++) { // user nice system idle iowait irq softirq steal
                total += jiffies[i] - start.jiffies[i];
            }
            long idle = (jiffies[3] - start.jiffies[3]) + (jiffies[4] - start.jiffies[4]);
            long steal = jiffies[7] - start.jiffies[7];
            long others = 0;
            long topUsed = 0;
            String top = "";
            for (Map.Entry<String, long[]> e : others().entrySet()) {
                long[] before = start.others().get(e.getKey());
                if (before == null && e.getValue()[1] == 1) {
                    continue; // an orphan born meanwhile: perhaps this run's own, whose parent has exited
                }
                // absent at the start: it started meanwhile (pid and start time are the key), so all its time
                // counts; leaving it out hid another user's build that began while a part ran
                long used = e.getValue()[0] - (before == null ? 0 : before[0]);
                others += used;
                if (used > topUsed) {
                    topUsed = used;
                    top = e.getKey();
                }
            }
            if (total == 0) {
                return new Conditions(seconds, start.load, load, Double.NaN, Double.NaN, Double.NaN, 0, 1, "");
            }
            return new Conditions(seconds, start.load, load, 100.0 * (total - idle - steal) / total,
                    100.0 * steal / total, 100.0 * others / total, 0, 1, name(top));
        }

        /** "pid name" of a key of {@link #others}, or "" for none. */
        private static String name(String key) {
            if (key.isEmpty()) {
                return "";
            }
            String pid = key.substring(0, key.indexOf('@'));
            try {
                return pid + " " + Files.readString(Path.of("/proc", pid, "comm")).trim();
            } catch (IOException | RuntimeException e) {
                return pid;
            }
        }

        /**
         * CPU jiffies (user + system) and parent pid of every process outside
         * this run's process tree, keyed by pid and start time so a reused pid
         * is not mistaken for the same process. Kernel threads are left out:
         * they mostly work for whoever is running, this run included.
         */
        private static Map<String, long[]> otherProcesses() {
            Map<Long, long[]> stats = new HashMap<>(); // pid -> {ppid, start time, cpu}
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path proc : procs) {
                    long[] st = stat(proc);
                    if (st != null) {
                        stats.put(Long.parseLong(proc.getFileName().toString()), st);
                    }
                }
            } catch (IOException e) {
                return Map.of();
            }
            Set<Long> ours = new HashSet<>();
            Map<String, long[]> others = new HashMap<>();
            for (Map.Entry<Long, long[]> e : stats.entrySet()) {
                long pid = e.getKey();
                if (pid == 2 || e.getValue()[0] == 2 || descendsFromSelf(pid, stats, ours)) {
                    continue;
                }
                others.put(pid + "@" + e.getValue()[1], new long[] {e.getValue()[2], e.getValue()[0]});
            }
            return others;
        }

        private static boolean descendsFromSelf(long pid, Map<Long, long[]> stats, Set<Long> ours) {
            for (long p = pid, hops = 0; p > 1 && hops < 64; hops++) {
                if (p == SELF || ours.contains(p)) {
                    ours.add(pid);
                    return true;
                }
                long[] st = stats.get(p);
                if (st == null) {
                    return false;
                }
                p = st[0];
            }
            return false;
        }

        /** {ppid, start time, utime + stime} from /proc/PID/stat, or null if it vanished. */
        private static long[] stat(Path proc) {
            try {
                String s = Files.readString(proc.resolve("stat"));
                // the command name may hold spaces and parentheses: fields start after the last ')'
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                return new long[] {Long.parseLong(f[1]), Long.parseLong(f[19]),
                        Long.parseLong(f[11]) + Long.parseLong(f[12])};
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
