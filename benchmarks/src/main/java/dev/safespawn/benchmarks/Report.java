package dev.safespawn.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes RESULTS.md from one run's {@link Results}: the machine, the settings,
 * the targets with their measured ratios, and one table per part, each with
 * its plot. Every number in the file comes from the run; nothing is typed in.
 */
final class Report {
    private final Results r;
    private final List<String> plots;
    private final StringBuilder md = new StringBuilder();

    private Report(Results r, List<String> plots) {
        this.r = r;
        this.plots = plots;
    }

    /** Writes {@code file}; plots are linked as {@code results/NAME}. */
    static void write(Path file, Results r, List<String> plots) throws IOException {
        Report report = new Report(r, plots);
        report.all();
        Files.writeString(file, report.md.toString(), StandardCharsets.UTF_8);
    }

    private void all() {
        header();
        machine();
        settings();
        targets();
        spawn();
        heap();
        concurrent();
        stdout();
        pool();
        failure();
        problems();
        conditions();
    }

    private void header() {
        line("# safespawn benchmarks: results");
        line("");
        Duration took = Duration.between(r.started, r.finished);
        line("Written by `java -jar benchmarks/target/safespawn-benchmarks.jar"
                + (r.profile.quick() ? " --quick" : "") + "` on "
                + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(r.started.atOffset(ZoneOffset.UTC).withNano(0))
                + " UTC; the run took " + took.toMinutes() + " min " + took.toSecondsPart() + " s. "
                + "Every number below comes from that run: rerun the command to update them. "
                + "[README.md](README.md) says what each part measures and how.");
        line("");
        if (r.profile.quick()) {
            line("> **Quick smoke run.** Iterations are far too short for the numbers to mean anything; "
                    + "it only shows that every part runs.");
            line("");
        }
    }

    private void machine() {
        line("## Machine and versions");
        line("");
        line("| | |");
        line("| --- | --- |");
        Machine.describe().forEach((k, v) -> line("| " + k + " | " + cell(v) + " |"));
        line("");
    }

    private void settings() {
        Profile p = r.profile;
        line("## Settings");
        line("");
        line("- Latency benchmarks (spawn, pool round trip): JMH `SampleTime` (every invocation timed), " + p.forks()
                + " fork(s) per launcher and heap size, each with " + p.warmupIterations() + " warm-up iteration(s) of "
                + seconds(p.warmupSeconds())
                + ", " + p.iterations() + " measured iteration(s) of " + seconds(p.iterationSeconds()) + ". "
                + "`Subprocess.call`: " + p.forks() + " fork(s), each with 1 warm-up and " + p.iterations()
                + " measured iteration(s) of "
                + seconds(p.subprocessSeconds()) + ".");
        TargetComparisons.Sizes t = TargetComparisons.Sizes.of(p);
        if (r.targetsRan) {
            line(String.format(Locale.ROOT, "- Targets part: %d clean rounds wanted per comparison; per side and "
                            + "round %d spawn+waits (the C floor: one run of as many after %d untimed), %d child(ren) "
                            + "writing %s to stdout, %d pool round trips; the map: %d rounds of one map of %,d "
                            + "elements at chunk size %,d per side.", t.rounds(), t.spawns(), t.floorWarmup(),
                    t.stdoutPerRound(), bytesLabel(t.stdoutBytes()), t.roundTrips(), t.mapRounds(), t.mapElements(),
                    t.mapChunk()));
        }
        line("- Touched heap: " + String.join(", ", p.heapsMiB().stream().map(Report::heapLabel).toList())
                + "; with a ballast the fork runs with `-Xms` = `-Xmx` = ballast + " + Suite.HEAP_HEADROOM_MIB
                + " MiB, and its `@Setup` allocates the ballast and writes every 4 KiB page of it.");
        line("- C floor: " + p.floorWarmup() + " warm-up and " + p.floorIterations() + " timed spawns per run, "
                + "with and without stdio pipes, before each launcher's spawn runs and once at the end; each "
                + "launcher is compared with the mean median of the runs just around it. The launchers run one "
                + "after another, each at every heap size in turn.");
        line("- stdout: `" + String.join(" ", StdoutBenchmark.command(p.stdoutBytes()))
                + "`, JMH `SingleShotTime`, 1 warm-up and "
                + p.stdoutIterations() + " measured child(ren) per launcher in each of " + p.forks()
                + " fork(s), read in 64 KiB chunks.");
        line("- Concurrent: " + p.children() + " `/bin/cat` children blocked on stdin, in a fresh JVM per launcher; "
                + "1 warm-up round of " + Math.max(1, p.children() / 5) + ", then " + p.concurrentRounds()
                + " measured round(s).");
        line("- Failure path: a fresh JVM per launcher starts `" + FailureScenario.MISSING + "` in a loop for "
                + seconds(p.failureSeconds()) + " after a warm-up.");
        line("- Medians are the headline; p10/p90 show the spread; ± is JMH's 99.9 % confidence half-width "
                + "of the mean.");
        line("");
        if (!r.conditions.isEmpty()) {
            long reruns = r.conditions.values().stream().filter(c -> c.attempt() > 1).count();
            List<String> disturbed = r.conditions.entrySet().stream().filter(e -> e.getValue().disturbed())
                    .map(Map.Entry::getKey).toList();
            line("- A shared machine: before each part the harness waits (up to " + (int) Suite.QUIET_WAIT_SECONDS
                    + " s) until nothing else uses the CPUs, and reruns once a part during which other processes "
                    + "or the hypervisor took more than " + (int) Conditions.DISTURBED_PERCENT + " % of the CPUs. "
                    + "In this run " + reruns + " part(s) were rerun; " + (disturbed.isEmpty()
                            ? "no part was disturbed in the end."
                            : "still disturbed in the end, so read with care: " + String.join("; ", disturbed) + ".")
                    + " The [appendix](#appendix-the-machine-during-each-part) has the figures for every part.");
            line("");
        }
    }

    private void targets() {
        line("## Targets");
        line("");
        line("Each ratio target is measured on its own, in the run's first part: both sides in alternating rounds "
                + "(A, B, B, A, … the order rotated each round) in the same minutes, each side kept warm across "
                + "the rounds, and the ratio taken within each round from the two sides' medians in that round. "
                + "\"Measured\" is the median of those per-round ratios; the spread columns are their p25–p75 and "
                + "min–max, so a solid result can be told from a lucky one. A round during which other processes "
                + "or the hypervisor took more than " + (int) Conditions.DISTURBED_PERCENT + " % of the CPUs is "
                + "discarded and, after a pause of " + Rounds.Check.SETTLE_MILLIS / 1000 + " s, another run, up to "
                + Rounds.TRIES_PER_ROUND + " times as many rounds as wanted; a target is called met or missed only when all its rounds were clean, and otherwise "
                + "reads \"not measured (disturbed)\". \"Sides\" are each side's median of its per-round medians. "
                + "The sections below are the JMH parts' descriptive distributions, measured minutes apart; no "
                + "target comes from them."
                + (r.targetsRan ? " Rounds wanted per comparison: " + TargetComparisons.Sizes.of(r.profile)
                        .rounds() + " (" + TargetComparisons.Sizes.of(r.profile).mapRounds() + " for the map)." : ""));
        line("");
        line("Where a target is missed, [FINDINGS.md](FINDINGS.md) records what profiling showed and why.");
        line("");
        line("| target | wanted | measured | p25–p75 | min–max | rounds clean / tried | sides | |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Targets.Target t : Targets.evaluate(r)) {
            String status = switch (t.status()) {
                case MET -> "met";
                case MISSED -> "**missed**";
                case NOT_MEASURED -> "not measured";
                case REPORTED -> "reported";
            };
            Rounds.Ratio q = t.ratio();
            String p2575 = q == null || q.clean() == 0 ? "" : Targets.x(q.p25()) + "–" + Targets.x(q.p75());
            String minMax = q == null || q.clean() == 0 ? "" : Targets.x(q.min()) + "–" + Targets.x(q.max());
            String rounds = q == null ? "" : q.clean() + " / " + q.tried();
            line("| " + t.what() + " | " + t.wanted() + " | " + cell(t.measured()) + " | " + p2575 + " | " + minMax
                    + " | " + rounds + " | " + cell(t.sides()) + " | " + status + " |");
        }
        line("");
    }

    private void spawn() {
        Map<LauncherKind, Stats> base = r.spawn.get(0);
        if (base == null) {
            return;
        }
        line("## 1. Spawn and wait for `/bin/true`");
        line("");
        line("Start `/bin/true` with stdin, stdout and stderr as pipes (each library's default), close stdin, "
                + "wait for the exit, close the other two. The JVM runs with its default heap, no ballast.");
        line("");
        plot("spawn_latency.png", "spawn latency per launcher");
        Stats posixStats = base.get(LauncherKind.POSIX_SPAWN);
        double posix = posixStats == null ? Double.NaN : posixStats.p50();
        line("\"Floor\" is the mean median of the C floor runs just before and just after the launcher's own "
                + "runs; \"pipes\" the same for the floor that gives its child three pipes.");
        line("");
        line("| launcher | p10 µs | median µs | p90 µs | mean ± error µs | samples | floor µs | × floor "
                + "| × floor, pipes | × posix_spawn |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (boolean pipes : new boolean[] {false, true}) {
            Stats s = r.floorSummary(pipes);
            if (s != null) {
                long runs = r.floor.stream().filter(f -> f.pipes() == pipes).count();
                line("| C floor" + (pipes ? ", pipes" : "") + " (median of " + runs + " runs) | " + us(s.p10()) + " | " + us(s.p50()) + " | " + us(s.p90()) + " | "
                        + us(s.mean()) + " | " + s.n() + " | | | | " + Targets.x(s.p50() / posix) + " |");
            }
        }
        base.forEach((k, s) -> {
            double floor = r.floorAround(k, false);
            line("| " + k.label() + " | " + us(s.p10()) + " | " + us(s.p50()) + " | " + us(s.p90()) + " | "
                    + us(s.mean()) + " ± " + us(s.error()) + " | " + s.n() + " | " + us(floor) + " | "
                    + Targets.x(s.p50() / floor) + " | " + Targets.x(s.p50() / r.floorAround(k, true)) + " | "
                    + Targets.x(s.p50() / posix) + " |");
        });
        line("");
        if (!r.floor.isEmpty()) {
            line("Every floor run (median µs), in order, to show how much the machine drifted over the run:");
            line("");
            line("| before | plain | pipes |");
            line("| --- | ---: | ---: |");
            List<Results.FloorRun> plain = r.floor.stream().filter(f -> !f.pipes()).toList();
            List<Results.FloorRun> piped = r.floor.stream().filter(Results.FloorRun::pipes).toList();
            for (int i = 0; i < plain.size(); i++) {
                String slot = plain.get(i).slot();
                line("| " + (slot.equals(Results.FLOOR_END) ? "(end)" : slot) + " | " + us(plain.get(i).stats().p50())
                        + " | " + (i < piped.size() ? us(piped.get(i).stats().p50()) : "n/a") + " |");
            }
            line("");
        }
    }

    private void heap() {
        if (r.spawn.size() < 2) {
            return;
        }
        line("## 2. Spawn and wait vs touched heap");
        line("");
        line("The same benchmark in JVMs holding a live, touched ballast. fork(2) copies the page tables of "
                + "every resident page, so its cost grows with the heap; vfork-style launches and the zygote "
                + "should not.");
        line("");
        plot("spawn_vs_heap.png", "spawn latency against heap size");
        StringBuilder head = new StringBuilder("| launcher |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (int heap : r.spawn.keySet()) {
            head.append(" ").append(heapLabel(heap)).append(": median (p10–p90) µs |");
            rule.append(" ---: |");
        }
        int big = r.spawn.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        boolean ratio = r.spawn.containsKey(64) && big > 64;
        if (ratio) {
            head.append(" ").append(heapLabel(big)).append(" / 64 MiB |");
            rule.append(" ---: |");
        }
        line(head.toString());
        line(rule.toString());
        for (LauncherKind k : LauncherKind.values()) {
            StringBuilder row = new StringBuilder("| " + k.label() + " |");
            for (Map<LauncherKind, Stats> byLauncher : r.spawn.values()) {
                Stats s = byLauncher.get(k);
                row.append(s == null ? " n/a |" : " " + us(s.p50()) + " (" + us(s.p10()) + "–" + us(s.p90()) + ") |");
            }
            if (ratio) {
                Stats small = r.spawn.get(64).get(k);
                Stats large = r.spawn.get(big).get(k);
                row.append(" ").append(small == null || large == null ? "n/a" : Targets.x(large.p50() / small.p50()))
                        .append(" |");
            }
            line(row.toString());
        }
        line("");
    }

    private void concurrent() {
        if (r.concurrent.isEmpty()) {
            return;
        }
        line("## 3. " + r.profile.children() + " concurrent children");
        line("");
        line("Each child is `/bin/cat` blocked on its stdin, so every launcher does the same, timer-free work: "
                + "start all, then close every stdin and reap every child. Times are the median round; threads "
                + "and heap the worst round. \"Peak threads\" is the JDK's peak live thread count (`ThreadMXBean`), "
                + "with the count when the JVM started, before any launcher existed; \"library threads\" the most "
                + "`safespawn-*` threads alive at once (sampled every 2 ms); \"heap held\" the heap in use with all "
                + "children alive, after a GC, over the same "
                + "before the round; \"threads added\" the kinds of thread alive at the peak beyond those alive at "
                + "the start (digits in names shown as #).");
        line("");
        plot("concurrent_wall.png", "wall time for the concurrent children");
        plot("concurrent_threads.png", "peak threads for the concurrent children");
        line("| launcher | start all ms | close + reap ms | total ms | peak threads (at start) | library threads "
                + "| heap held MiB | threads added at the peak |");
        line("| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |");
        r.concurrent.forEach((k, c) -> line("| " + k.label() + " | " + Results.Concurrent.median(c.startMs()) + " | "
                + Results.Concurrent.median(c.reapMs()) + " | " + c.medianTotalMs() + " | " + c.peakThreads() + " ("
                + c.threadsBefore() + ") | " + c.libraryThreads()
                + (c.libraryThreads() > 0 ? ": " + cell(c.libraryThreadNames()) : "") + " | "
                + String.format(Locale.ROOT, "%.1f", c.heapHeldBytes() / 1048576.0) + " | " + cell(c.threadKinds())
                + " |"));
        line("");
    }

    private void stdout() {
        if (r.stdout.isEmpty()) {
            return;
        }
        line("## 4. Reading a child's stdout");
        line("");
        line("`" + String.join(" ", StdoutBenchmark.command(r.profile.stdoutBytes())) + "` (1 MiB writes; `head -c` "
                + "writes 8 KiB at a time and would be the bottleneck), read to the end through each library's own API "
                + "(InputStream for safespawn, ProcessBuilder; a counting pump for Commons Exec; an `onStdout` "
                + "handler for NuProcess). Whole child, from start to reaped.");
        line("");
        plot("stdout_throughput.png", "stdout throughput");
        Stats pb = r.stdout.get(LauncherKind.PROCESS_BUILDER);
        line("| launcher | median MiB/s | p10–p90 MiB/s | children | × ProcessBuilder |");
        line("| --- | ---: | ---: | ---: | ---: |");
        r.stdout.forEach((k, s) -> {
            Stats t = mibPerSecond(s, r.profile.stdoutBytes());
            line("| " + k.label() + " | " + String.format(Locale.ROOT, "%.0f", t.p50()) + " | "
                    + String.format(Locale.ROOT, "%.0f–%.0f", t.p10(), t.p90()) + " | " + s.n() + " | "
                    + (pb == null ? "n/a" : Targets.x(pb.p50() / s.p50())) + " |");
        });
        line("");
    }

    private void pool() {
        if (r.poolRoundTrip == null && r.subprocessCall == null && r.python.isEmpty()) {
            return;
        }
        line("## 5. Process pools");
        line("");
        line("A warm round trip submits a task that returns a constant to a pool of one worker that has "
                + "already run a task, and waits for the answer. Starting a task in a new process covers "
                + "process start, the task, and the end of the process. Python "
                + r.pythonInfo.getOrDefault("version", "(not run)") + "; its ProcessPoolExecutor uses the '"
                + r.pythonInfo.getOrDefault("ppeStartMethod", "?") + "' start method.");
        line("");
        plot("pool_round_trip.png", "pool round trip");
        plot("process_start.png", "task in a new process");
        line("| what | p10 µs | median µs | p90 µs | samples |");
        line("| --- | ---: | ---: | ---: | ---: |");
        row("safespawn `ProcessPool`, warm round trip", r.poolRoundTrip);
        row("Python `ProcessPoolExecutor(max_workers=1)`, warm round trip", r.python.get("ppe"));
        row("safespawn `Subprocess.call` (fresh JVM)", r.subprocessCall);
        for (String m : List.of("forkserver", "spawn", "fork")) {
            row("Python `multiprocessing.Process` start + join, " + m, r.python.get("mp_" + m));
        }
        line("");
    }

    private void failure() {
        if (r.failure.isEmpty()) {
            return;
        }
        line("## 6. Failure path");
        line("");
        line("Start `" + FailureScenario.MISSING + "` (an absolute path, so every launcher has to attempt the exec) "
                + "in a loop. Descriptors are those in `/proc/self/fd` after a warm-up, right after the loop, and "
                + "after a GC and half a second's pause.");
        line("");
        plot("failure_rate.png", "failed starts per second");
        line("| launcher | failures/s | fds before | fds after | after GC | threads before → after | reported as |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        r.failure.forEach((k, f) -> line("| " + k.label() + " | " + String.format(Locale.ROOT, "%.0f", f.perSecond())
                + " | " + f.fdsBefore() + " | " + f.fdsAfter() + " | " + f.fdsAfterGc() + " | " + f.threadsBefore()
                + " → " + f.threadsAfter() + " | " + cell(f.outcome()) + " |"));
        line("");
    }

    private void conditions() {
        if (r.conditions.isEmpty()) {
            return;
        }
        line("## Appendix: the machine during each part");
        line("");
        line("Per part (the last try, where one was rerun): its length; how long the harness waited for quiet "
                + "before it; the share of all CPU time spent running anything, this run's own work included; the "
                + "share used by other processes (those alive at its end, with all the time of one that started meanwhile "
                + "unless it is an orphan; kernel threads left out) and which of them used the most; the "
                + "share the hypervisor stole for other guests; and the 1-minute load average at its start and end, "
                + "a lagging figure that counts this run too.");
        line("");
        line("| part | s | waited s | try | busy % | others % | the other that used most | steal % | load |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |");
        r.conditions.forEach((part, c) -> line("| " + part + (c.disturbed() ? " (**disturbed**)" : "") + " | "
                + String.format(Locale.ROOT, "%.0f | %.0f | %d | %.0f | %.1f | %s | %.1f", c.seconds(),
                        c.waitedSeconds(), c.attempt(), c.busyPercent(), c.othersPercent(), cell(c.topOther()),
                        c.stealPercent())
                + " | " + c.loadStart() + " → " + c.loadEnd() + " |"));
        line("");
    }

    private void problems() {
        if (r.problems.isEmpty()) {
            return;
        }
        line("## Problems in this run");
        line("");
        r.problems.forEach(p -> line("- " + cell(p)));
        line("");
    }

    private void row(String what, Stats s) {
        if (s != null) {
            line("| " + what + " | " + us(s.p10()) + " | " + us(s.p50()) + " | " + us(s.p90()) + " | " + s.n() + " |");
        }
    }

    private void plot(String file, String alt) {
        if (plots.contains(file)) {
            line("![" + alt + "](results/" + file + ")");
            line("");
        }
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    /** A stdout distribution in ms per child turned into MiB/s (the slow end of time is the low end of speed). */
    static Stats mibPerSecond(Stats msPerChild, long bytes) {
        double mib = bytes / 1048576.0;
        return new Stats(mib / (msPerChild.p90() / 1000), mib / (msPerChild.p50() / 1000),
                mib / (msPerChild.p10() / 1000), mib / (msPerChild.mean() / 1000), Double.NaN, msPerChild.n(), "MiB/s");
    }

    static String heapLabel(int mib) {
        if (mib == 0) {
            return "no ballast";
        }
        return mib % 1024 == 0 ? mib / 1024 + " GiB" : mib + " MiB";
    }

    static String bytesLabel(long bytes) {
        return bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }

    private static String us(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%s s", s == Math.floor(s) ? Long.toString((long) s) : Double.toString(s));
    }

    /** Makes text safe inside a Markdown table cell. */
    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
