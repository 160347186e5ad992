package dev.safespawn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the parts of the benchmark, each launcher in the same run as its
 * comparators, and collects what they measured into {@link Results}. A part
 * that fails is written down in {@link Results#problems} and the others still
 * run: a half-hour run should not be lost to one broken launcher.
 *
 * <p>The targets part comes first: the comparisons the targets are judged
 * on ({@link TargetComparisons}), each in alternating rounds that discard
 * disturbed rounds themselves. The other parts describe distributions.
 *
 * <p>The spawn part goes launcher by launcher: a C floor run, then that
 * launcher at every heap size; a last floor run closes it. A shared 2-core VM
 * drifts by 10 % and more over minutes, so each launcher is compared with the
 * floor measured right around it, and its heap sizes with each other minutes
 * apart at most. The concurrent scenario runs last: its thousands of threads
 * and processes would otherwise linger in the load figures of later parts.
 */
final class Suite {
    /** The parts, by the names {@code --only} takes. */
    static final List<String> PARTS = List.of("targets", "spawn", "stdout", "pool", "failure", "concurrent");

    /** Launchers of the concurrent scenario: the default strategies, and the peers. */
    static final List<LauncherKind> CONCURRENT = List.of(LauncherKind.POSIX_SPAWN, LauncherKind.FORK_EXEC_VFORK,
            LauncherKind.ZYGOTE, LauncherKind.PROCESS_BUILDER, LauncherKind.COMMONS_EXEC, LauncherKind.NUPROCESS);
    /** Launchers of the stdout benchmark. */
    static final List<LauncherKind> STDOUT = List.of(LauncherKind.POSIX_SPAWN, LauncherKind.ZYGOTE,
            LauncherKind.PROCESS_BUILDER, LauncherKind.COMMONS_EXEC, LauncherKind.NUPROCESS);
    /** Headroom above the ballast, for JMH and the benchmark's own garbage. */
    static final int HEAP_HEADROOM_MIB = 512;

    /** The longest wait for quiet before one part. */
    static final double QUIET_WAIT_SECONDS = 120;

    private final Profile profile;
    private final Set<String> parts;
    private final Results results;
    /** Reruns of disturbed parts the run may still spend (each part at most once). */
    private int rerunsLeft;
    /** Time the run may still spend waiting for quiet, so a busy machine cannot stall it for long. */
    private long waitingLeftNanos;

    Suite(Profile profile, Set<String> parts) {
        this.profile = profile;
        this.parts = parts;
        this.results = new Results(profile);
        this.rerunsLeft = profile.quick() ? 0 : 12;
        this.waitingLeftNanos = (long) ((profile.quick() ? 10 : 600) * 1e9);
    }

    Results run() {
        if (parts.contains("targets")) {
            targets();
        }
        if (parts.contains("spawn")) {
            for (LauncherKind k : LauncherKind.values()) {
                attempt("C floor, before " + k.id(), () -> floor(k.id()));
                for (int heap : profile.heapsMiB()) {
                    attempt("spawn, " + k.id() + ", heap " + Report.heapLabel(heap), () -> spawn(k, heap));
                }
            }
            attempt("C floor, at the end", () -> floor(Results.FLOOR_END));
        }
        if (parts.contains("stdout")) {
            attempt("stdout throughput", this::stdout);
        }
        if (parts.contains("pool")) {
            attempt("ProcessPool", this::pool);
            attempt("Python reference", this::python);
        }
        if (parts.contains("failure")) {
            for (LauncherKind k : LauncherKind.values()) {
                attempt("failure path, " + k.id(), () -> failure(k));
            }
        }
        if (parts.contains("concurrent")) {
            for (LauncherKind k : CONCURRENT) {
                attempt("concurrent, " + k.id(), () -> concurrent(k));
            }
        }
        results.finished = java.time.Instant.now();
        return results;
    }

    private interface Part {
        void run() throws Exception;
    }

    /**
     * Runs one part after waiting for the machine to be quiet; a part that
     * other work disturbed (see {@link Conditions#disturbed()}) runs once more,
     * as long as the run's budget of reruns lasts. A part replaces its own
     * earlier results when rerun.
     */
    private void attempt(String name, Part part) {
        attempt(name, part, true);
    }

    /** {@link #attempt(String, Part)}, without the rerun if {@code rerunIfDisturbed} is false. */
    private void attempt(String name, Part part, boolean rerunIfDisturbed) {
        for (int attempt = 1; ; attempt++) {
            double waited = waitForQuiet();
            System.out.println("### " + name + (attempt > 1 ? " (again: the first try was disturbed)" : ""));
            Conditions.Snapshot before = Conditions.Snapshot.now();
            boolean failed = false;
            try {
                part.run();
            } catch (Exception e) {
                String why = name + ": " + e;
                System.out.println("!!! " + why);
                results.problems.add(why);
                failed = true;
            }
            Conditions c = Conditions.Snapshot.now().since(before).after(waited, attempt);
            results.conditions.put(name, c);
            if (failed || !c.disturbed() || !rerunIfDisturbed || attempt > 1 || rerunsLeft == 0) {
                return;
            }
            rerunsLeft--;
            System.out.printf("~~~ %s was disturbed: other processes %.1f %%, steal %.1f %% of the CPUs%n",
                    name, c.othersPercent(), c.stealPercent());
        }
    }

    /**
     * The comparisons the targets are judged on ({@link TargetComparisons}).
     * Each is measured once: its rounds discard and rerun their own disturbed
     * rounds, so rerunning a whole comparison would only spend time.
     */
    private void targets() {
        results.targetsRan = true;
        TargetComparisons t = new TargetComparisons(profile, results.comparisons);
        attempt("targets: spawn+wait and the C floor", t::spawn, false);
        for (LauncherKind k : TargetComparisons.HEAP) {
            attempt("targets: heap, " + k.id() + ", " + Report.heapLabel(t.largeHeapMiB()) + " vs "
                    + Report.heapLabel(TargetComparisons.SMALL_HEAP_MIB), () -> t.heap(k), false);
        }
        attempt("targets: run and capture", t::capture, false);
        attempt("targets: stdout", t::stdout, false);
        if (Machine.hasPython()) {
            attempt("targets: pool and Python", t::pool, false);
            attempt("targets: a task in a fresh process", t::coldStart, false);
        } else {
            results.problems.add("targets: pool and Python: python3 is not available here");
        }
    }

    /** Waits for quiet within what is left of the run's waiting budget; returns the seconds waited. */
    private double waitForQuiet() {
        double waited = Conditions.waitForQuiet(Math.min(QUIET_WAIT_SECONDS, waitingLeftNanos / 1e9));
        waitingLeftNanos -= (long) (waited * 1e9);
        return waited;
    }

    /** A floor run with and without pipes; {@code slot} is the launcher it precedes, or {@link Results#FLOOR_END}. */
    private void floor(String slot) throws IOException, InterruptedException {
        Floor floor = Floor.besideJar();
        results.floor.removeIf(f -> f.slot().equals(slot)); // a rerun replaces the disturbed runs
        for (boolean pipes : new boolean[] {false, true}) {
            results.floor.add(new Results.FloorRun(slot, pipes,
                    floor.run(pipes, profile.floorWarmup(), profile.floorIterations())));
        }
    }

    private void spawn(LauncherKind kind, int heapMiB) throws RunnerException {
        ChainedOptionsBuilder o = latencyOptions(SpawnBenchmark.class, "spawnAndWait", profile.iterationSeconds())
                .param("launcher", kind.id())
                .param("heapMiB", Integer.toString(heapMiB));
        if (heapMiB > 0) {
            String heap = (heapMiB + HEAP_HEADROOM_MIB) + "m";
            o.jvmArgsAppend("-Xms" + heap, "-Xmx" + heap);
        }
        Collection<RunResult> runs = run(o);
        if (runs.isEmpty()) {
            results.problems.add("spawn, " + kind.id() + " at " + Report.heapLabel(heapMiB)
                    + ": no result (its JMH fork failed; see the console log)");
        }
        for (RunResult r : runs) {
            results.spawn.computeIfAbsent(heapMiB, h -> new java.util.EnumMap<>(LauncherKind.class))
                    .put(kind, Stats.of(r));
        }
    }

    private void stdout() throws RunnerException {
        ChainedOptionsBuilder o = base(StdoutBenchmark.class, "readAll")
                .forks(profile.forks())
                .param("launcher", ids(STDOUT))
                .param("bytes", Long.toString(profile.stdoutBytes()))
                .warmupIterations(1)
                .measurementIterations(profile.stdoutIterations());
        for (RunResult r : run(o)) {
            results.stdout.put(LauncherKind.byId(r.getParams().getParam("launcher")), Stats.of(r));
        }
        missing("stdout throughput", STDOUT, results.stdout.keySet());
    }

    private void pool() throws RunnerException {
        for (RunResult r : run(latencyOptions(PoolBenchmark.class, "warmRoundTrip", profile.iterationSeconds()))) {
            results.poolRoundTrip = Stats.of(r);
        }
        ChainedOptionsBuilder call = latencyOptions(PoolBenchmark.class, "subprocessCall", profile.subprocessSeconds())
                .warmupIterations(1);
        for (RunResult r : run(call)) {
            results.subprocessCall = Stats.of(r);
        }
    }

    private void python() throws IOException, InterruptedException {
        if (!Machine.hasPython()) {
            results.problems.add("Python reference: python3 is not available here");
            return;
        }
        Path script = Helpers.pythonScript("pool_reference.py");
        try {
            List<String> command = new ArrayList<>(List.of("python3", script.toString()));
            if (profile.quick()) {
                command.add("--quick");
            }
            Map<String, String> values = Helpers.run(command, "  python: ");
            for (String key : List.of("ppe", "mp_forkserver", "mp_spawn", "mp_fork")) {
                results.python.put(key, Stats.fromNanos(values, key + "."));
            }
            results.pythonInfo.put("version", values.get("python"));
            results.pythonInfo.put("ppeStartMethod", values.get("ppe.start_method"));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private void concurrent(LauncherKind kind) throws IOException, InterruptedException {
        int warmup = Math.max(1, profile.children() / 5);
        Map<String, String> v = Helpers.run(Helpers.javaMain(ConcurrentScenario.class, List.of(), kind.id(),
                Integer.toString(profile.children()), Integer.toString(profile.concurrentRounds()),
                Integer.toString(warmup)), "  ");
        results.concurrent.put(kind, new Results.Concurrent(Integer.parseInt(v.get("children")),
                longs(v.get("startMs")), longs(v.get("reapMs")), Integer.parseInt(v.get("threadsPeak")),
                Integer.parseInt(v.get("threadsBefore")), Integer.parseInt(v.get("libraryThreadsPeak")),
                v.get("libraryThreadNames"), Long.parseLong(v.get("heapHeldBytes")), v.get("threadKindsAtPeak")));
    }

    private void failure(LauncherKind kind) throws IOException, InterruptedException {
        double warmup = Math.max(0.2, profile.failureSeconds() / 5);
        Map<String, String> v = Helpers.run(Helpers.javaMain(FailureScenario.class, List.of(), kind.id(),
                Double.toString(warmup), Double.toString(profile.failureSeconds())), "  ");
        results.failure.put(kind, new Results.Failure(Long.parseLong(v.get("failures")),
                Double.parseDouble(v.get("seconds")), Integer.parseInt(v.get("fdsBefore")),
                Integer.parseInt(v.get("fdsAfter")), Integer.parseInt(v.get("fdsAfterGc")),
                Integer.parseInt(v.get("threadsBefore")), Integer.parseInt(v.get("threadsAfter")), v.get("outcome")));
    }

    /**
     * One fork per parameter set, failures kept to that set. A fork takes this
     * JVM's command-line options, not its jar's manifest, so it is given native
     * access itself: its launchers spawn through JNA, which JDK 24+ warns about
     * unless allowed (JDK 17 takes the option silently). Prepended, since
     * {@code jvmArgsAppend} is what a part sets for itself.
     */
    private static ChainedOptionsBuilder base(Class<?> benchmark, String method) {
        return new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName() + "." + method) + "$")
                .jvmArgsPrepend("--enable-native-access=ALL-UNNAMED")
                .forks(1)
                .shouldFailOnError(false);
    }

    private ChainedOptionsBuilder latencyOptions(Class<?> benchmark, String method, double iterationSeconds) {
        return base(benchmark, method)
                .forks(profile.forks())
                .warmupIterations(profile.warmupIterations())
                .warmupTime(TimeValue.milliseconds((long) (profile.warmupSeconds() * 1000)))
                .measurementIterations(profile.iterations())
                .measurementTime(TimeValue.milliseconds((long) (iterationSeconds * 1000)));
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new Runner(options.build()).run();
    }

    private void missing(String part, List<LauncherKind> wanted, Set<LauncherKind> got) {
        for (LauncherKind k : wanted) {
            if (!got.contains(k)) {
                results.problems.add(part + ": no result for " + k.id() + " (its JMH fork failed; see the console log)");
            }
        }
    }

    private static String[] ids(List<LauncherKind> kinds) {
        return kinds.stream().map(LauncherKind::id).toArray(String[]::new);
    }

    private static List<Long> longs(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Long::valueOf).toList();
    }
}
