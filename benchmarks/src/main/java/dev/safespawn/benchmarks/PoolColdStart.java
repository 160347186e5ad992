package dev.safespawn.benchmarks;

import dev.safespawn.Spawner;
import dev.safespawn.pool.MapOptions;
import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.SerializableFunction;
import dev.safespawn.pool.Subprocess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The pool's cold start and throughput against a bare JVM and Python, each
 * part measured in the same run in alternating {@link Rounds}:
 *
 * <ol>
 * <li>{@code start}: a fresh process for one task. A bare JVM running
 *     {@link Hello} with the worker JVM's options (plain {@code ProcessBuilder},
 *     output discarded); {@code Subprocess.call} of a trivial task as a user
 *     calls it, and the same with one standby worker (its readiness awaited
 *     with {@code Subprocess.prestart} outside the timed part, before the call
 *     and again after it, so its replacement's boot runs into no other
 *     side); Python's {@code multiprocessing.Process} start + join per start
 *     method.
 * <li>{@code first}: from building a pool of 4 workers (on a spawner created
 *     once for the run, so its start is not counted) and submitting 4 trivial
 *     tasks to the first result; the pool is closed outside the timed part.
 *     Against Python's {@code ProcessPoolExecutor(4)}, fork and forkserver.
 * <li>{@code map}: elements per second of {@code x -> x + 1} through a warm
 *     pool of 2 workers, {@code pool.map} with {@code MapOptions.ordered()}
 *     and a chunk size, against {@code ProcessPoolExecutor(2).map} with the
 *     same chunk size; the sums are checked.
 * <li>{@code memory}: {@link MapMemory} in a JVM with a small {@code -Xmx}
 *     maps a 10-million-element lazy input and prints the heap in use.
 * </ol>
 *
 * <p>The Python side is {@code src/main/python/pool_cold_start.py}, run once
 * per round; only what it times inside counts, not the interpreter's start.
 * Before each part the tool waits for the machine to go quiet, and prints
 * what other processes and the hypervisor took while it ran.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.PoolColdStart [--quick] [--only PART,...]
 *      [--rounds R] [--per-round K] [--map-rounds R] [--map E:C,...] [--memory E] [--memory-heap SIZE]
 * </pre>
 */
public final class PoolColdStart {
    /** The map function; in the jar, so the workers load it. */
    static final SerializableFunction<Integer, Integer> INC = x -> x + 1;

    static final String HELLO = "bare JVM hello";
    static final String CALL = "Subprocess.call";
    static final String CALL_STANDBY = "Subprocess.call, 1 standby worker";
    static final String PYTHON_FORK = "Python Process fork";
    /** The start part's Python series: the script's keys and their labels. */
    private static final Map<String, String> START_METHODS = labels("start.fork", PYTHON_FORK,
            "start.forkserver", "Python Process forkserver", "start.spawn", "Python Process spawn");
    static final String POOL_FIRST = "ProcessPool(4) first result";
    static final String PYTHON_FIRST_FORK = "Python ProcessPoolExecutor(4) fork";
    /** The first part's Python series: the script's keys and their labels. */
    private static final Map<String, String> FIRST_METHODS = labels("first.fork", PYTHON_FIRST_FORK,
            "first.forkserver", "Python ProcessPoolExecutor(4) forkserver");
    /** The worker JVM's options (ProcessPool.Builder.config), so the bare JVM starts as a worker does. */
    private static final List<String> WORKER_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:-UsePerfData",
            "-Xshare:auto");

    private PoolColdStart() {
    }

    /** What to run, and how much of it. */
    private record Settings(Set<String> parts, int rounds, int perRound, int mapRounds, List<int[]> map,
                            int memoryElements, String memoryHeap, double quietSeconds) {
        static Settings parse(String[] args) {
            boolean quick = List.of(args).contains("--quick");
            Set<String> parts = Set.of("start", "first", "map", "memory");
            int rounds = quick ? 2 : 15;
            int perRound = quick ? 1 : 3;
            int mapRounds = quick ? 2 : 5;
            String map = quick ? "20000:1000,2000:10" : "1000000:1000,50000:10";
            int memory = quick ? 1_000_000 : 10_000_000;
            String heap = "128m";
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> { }
                    case "--only" -> parts = Set.of(args[++i].split(","));
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--per-round" -> perRound = Integer.parseInt(args[++i]);
                    case "--map-rounds" -> mapRounds = Integer.parseInt(args[++i]);
                    case "--map" -> map = args[++i];
                    case "--memory" -> memory = Integer.parseInt(args[++i]);
                    case "--memory-heap" -> heap = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; see the class comment or benchmarks/README.md");
                }
            }
            List<int[]> pairs = new ArrayList<>();
            for (String pair : map.split(",")) {
                String[] ec = pair.split(":");
                pairs.add(new int[] {Integer.parseInt(ec[0]), Integer.parseInt(ec[1])});
            }
            return new Settings(parts, rounds, perRound, mapRounds, pairs, memory, heap, quick ? 2 : 120);
        }
    }

    /**
     * Runs the parts and prints their results.
     *
     * @param args see the class comment; no argument runs everything at the default sizes (3 to 4 minutes on 2 cores)
     * @throws Exception if a side fails
     */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        boolean python = Machine.hasPython();
        System.out.printf("python3: %s%s%n", Machine.commandOutput(List.of("python3", "--version")),
                python ? "" : " -- the Python sides are left out");
        Path script = python ? Helpers.pythonScript("pool_cold_start.py") : null;
        List<String> disturbed = new ArrayList<>();
        try (Spawner spawner = Spawner.create()) {
            if (settings.parts.contains("start")) {
                part("1. fresh process start: one trivial task", settings, disturbed,
                        () -> start(script, settings));
            }
            if (settings.parts.contains("first")) {
                part("2. first result from a new pool of 4", settings, disturbed,
                        () -> first(spawner, script, settings));
            }
            if (settings.parts.contains("map")) {
                part("3. map throughput, warm pool of 2", settings, disturbed, () -> map(spawner, script, settings));
            }
            if (settings.parts.contains("memory")) {
                part("4. memory of a map over a lazy input", settings, disturbed, () -> memory(settings));
            }
        } finally {
            if (script != null) {
                Files.deleteIfExists(script);
            }
        }
        System.out.println(disturbed.isEmpty() ? "no part was disturbed"
                : "DISTURBED, rerun on an idle machine: " + String.join("; ", disturbed));
    }

    private interface Part {
        void run() throws Exception;
    }

    /** Waits for quiet, runs the part, prints what the machine did meanwhile; notes it in {@code disturbed} if so. */
    private static void part(String name, Settings settings, List<String> disturbed, Part part) throws Exception {
        double waited = Conditions.waitForQuiet(settings.quietSeconds);
        System.out.println("### " + name);
        Conditions.Snapshot before = Conditions.Snapshot.now();
        part.run();
        Conditions c = Conditions.Snapshot.now().since(before).after(waited, 1);
        System.out.println("  " + c.summary());
        if (c.disturbed()) {
            disturbed.add(name);
        }
    }

    private static void start(Path script, Settings settings) throws Exception {
        List<Rounds.Side> sides = startSides(script);
        System.out.printf("  %d rounds of %d sample(s) per side (Python: one script run per round, %d sample(s) per"
                + " start method after one untimed start + join, which also starts the fork server)%n",
                settings.rounds, settings.perRound, settings.perRound);
        Rounds r = Rounds.run(sides, settings.rounds, settings.perRound);
        printMillis(r);
        for (String java : r.series()) {
            if (java.equals(HELLO) || START_METHODS.containsValue(java)) {
                continue;
            }
            System.out.printf("  %s / %s: %s (target at most 2)%n", java, HELLO, ratio(r, java, HELLO));
            for (String p : START_METHODS.values()) {
                if (r.series().contains(p)) {
                    System.out.printf("  %s / %s: %s%n", java, p, ratio(r, java, p));
                }
            }
        }
    }

    /**
     * The sides of a fresh process's start, as the class comment's {@code start}
     * part describes them; also the full run's cold-start targets.
     *
     * @param script {@code pool_cold_start.py}, or null to leave Python's side out
     */
    static List<Rounds.Side> startSides(Path script) {
        ProcessPool.Builder standby = ProcessPool.builder().standby(1); // Subprocess.call's own defaults otherwise
        List<String> hello = new ArrayList<>();
        hello.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        hello.addAll(WORKER_JVM_OPTIONS);
        hello.addAll(List.of("-cp", System.getProperty("java.class.path"), Hello.class.getName()));
        List<Rounds.Side> sides = new ArrayList<>(List.of(
                Rounds.timed(HELLO, () -> Rounds.elapsed(() -> bareJvm(hello))),
                Rounds.timed(CALL, () -> Rounds.elapsed(() -> check(Subprocess.call(PoolBenchmark.TRIVIAL)))),
                Rounds.timed(CALL_STANDBY, () -> {
                    Subprocess.prestart(standby); // untimed: the call measured is one that finds its standby ready
                    long took = Rounds.elapsed(() -> check(Subprocess.call(PoolBenchmark.TRIVIAL, standby)));
                    // untimed too: the replacement boots once the call has ended, and would otherwise boot
                    // during the next side's samples (Python's, say) and slow them
                    Subprocess.prestart(standby);
                    return took;
                })
        ));
        if (script != null) {
            sides.add(pythonSide(script, START_METHODS, n -> List.of("start", Integer.toString(n))));
        }
        return sides;
    }

    private static void bareJvm(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        int code = p.waitFor();
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + code);
        }
    }

    private static void first(Spawner spawner, Path script, Settings settings) throws Exception {
        List<Rounds.Side> sides = firstSides(spawner, script);
        System.out.printf("  %d rounds of %d sample(s) per side; one spawner for the whole run, so its start is not"
                + " counted; pools closed outside the timed part (Python: one untimed pool per start method per"
                + " round first)%n", settings.rounds, settings.perRound);
        Rounds r = Rounds.run(sides, settings.rounds, settings.perRound);
        printMillis(r);
        for (String p : FIRST_METHODS.values()) {
            if (r.series().contains(p)) {
                System.out.printf("  %s / %s: %s%n", POOL_FIRST, p, ratio(r, POOL_FIRST, p));
            }
        }
    }

    /**
     * The sides of a new pool's first result, as the class comment's
     * {@code first} part describes them; also reported by the full run.
     *
     * @param spawner the pools' spawner, open for as long as the sides are taken
     * @param script {@code pool_cold_start.py}, or null to leave Python's side out
     */
    static List<Rounds.Side> firstSides(Spawner spawner, Path script) {
        List<Rounds.Side> sides = new ArrayList<>();
        sides.add(Rounds.timed(POOL_FIRST, () -> firstOfFour(spawner)));
        if (script != null) {
            sides.add(pythonSide(script, FIRST_METHODS, n -> List.of("first", Integer.toString(n))));
        }
        return sides;
    }

    /** Build a pool of 4, submit 4 trivial tasks, time to the first result; close untimed. */
    private static long firstOfFour(Spawner spawner) throws Exception {
        long start = System.nanoTime();
        ProcessPool pool = ProcessPool.builder().workers(4).spawner(spawner)
                .output(ProcessPool.Output.discard()).build();
        try {
            CompletableFuture<?>[] tasks = new CompletableFuture<?>[4];
            for (int i = 0; i < tasks.length; i++) {
                tasks[i] = pool.submit(PoolBenchmark.TRIVIAL);
            }
            Object first = CompletableFuture.anyOf(tasks).get();
            long nanos = System.nanoTime() - start;
            check(first);
            return nanos;
        } finally {
            pool.close();
        }
    }

    private static void map(Spawner spawner, Path script, Settings settings) throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).prestart().spawner(spawner)
                .output(ProcessPool.Output.discard()).build()) {
            List<Rounds.Side> sides = new ArrayList<>();
            Map<String, String> python = new LinkedHashMap<>();
            List<String> pythonArgs = new ArrayList<>(List.of("map"));
            for (int[] ec : settings.map) {
                mapNanos(pool, 20 * ec[1] * 2, ec[1]); // untimed: both workers up and warm, as in the script
                sides.add(Rounds.timed(mapLabel("safespawn pool.map", ec), () -> mapNanos(pool, ec[0], ec[1])));
                python.put("map." + ec[0] + "." + ec[1], mapLabel("Python executor.map", ec));
                pythonArgs.add(ec[0] + ":" + ec[1]);
            }
            if (script != null) {
                sides.add(pythonSide(script, python, n -> pythonArgs)); // one map per pair, whatever n
            }
            System.out.printf("  %d rounds, one map per side and round; MapOptions.ordered() (executor.map is"
                    + " ordered too), default prefetch; time from the map call to the last result%n",
                    settings.mapRounds);
            Rounds r = Rounds.run(sides, settings.mapRounds, 1);
            for (int[] ec : settings.map) {
                String java = mapLabel("safespawn pool.map", ec);
                String py = mapLabel("Python executor.map", ec);
                for (String s : List.of(java, py)) {
                    if (r.series().contains(s)) {
                        long[] all = r.all(s);
                        if (all.length == 0) {
                            continue;
                        }
                        System.out.printf("  %-50s median %,11.0f elements/s, at the p90 time %,11.0f (n=%d)%n", s,
                                ec[0] / (Rounds.percentile(all, 50) / 1e9), ec[0] / (Rounds.percentile(all, 90) / 1e9),
                                all.length);
                    }
                }
                if (r.series().contains(py)) {
                    // elements per second of Java over Python: Python's time over Java's
                    System.out.printf("  throughput %s / %s: %s%n", java, py, ratio(r, py, java));
                }
            }
        }
    }

    private static String mapLabel(String side, int[] ec) {
        return String.format("%s, %,d elements, chunk %d", side, ec[0], ec[1]);
    }

    /** Nanoseconds from the map call to its last result, the sum checked. */
    static long mapNanos(ProcessPool pool, int elements, int chunk) {
        long start = System.nanoTime();
        long sum;
        try (Stream<Integer> results = pool.map(IntStream.range(0, elements).boxed(), INC,
                MapOptions.ordered().chunkSize(chunk))) {
            sum = results.mapToLong(Integer::longValue).sum();
        }
        long nanos = System.nanoTime() - start;
        if (sum != (long) elements * (elements + 1) / 2) {
            throw new IllegalStateException("map of " + elements + " summed to " + sum);
        }
        return nanos;
    }

    private static void memory(Settings settings) throws Exception {
        List<String> command = Helpers.javaMain(MapMemory.class, List.of("-Xmx" + settings.memoryHeap),
                Integer.toString(settings.memoryElements), Integer.toString(settings.map.get(0)[1]));
        System.out.println("  " + String.join(" ", command));
        Map<String, String> v = Helpers.run(command, "  ");
        System.out.printf("  %s elements mapped with -Xmx%s (max heap %.0f MiB) in %s s; heap in use after a GC,"
                        + " MiB, before the map and then every %s results: %s%n", v.get("elements"),
                settings.memoryHeap, Long.parseLong(v.get("maxHeap")) / 1048576.0, v.get("seconds"),
                v.get("every"), v.get("usedMiB"));
    }

    /** One Python script run per round, with the arguments for {@code n} samples; series renamed by {@code labels}. */
    private static Rounds.Side pythonSide(Path script, Map<String, String> labels, IntFunction<List<String>> args) {
        return n -> {
            List<String> command = new ArrayList<>(List.of("python3", script.toString()));
            command.addAll(args.apply(n));
            Map<String, String> values = Helpers.run(command, "  python: ");
            Map<String, long[]> series = new LinkedHashMap<>();
            labels.forEach((key, label) -> {
                String v = values.get(key);
                if (v == null) {
                    throw new IllegalStateException("no " + key + " from " + script.getFileName() + ": " + values);
                }
                series.put(label, Arrays.stream(v.split(",")).mapToLong(Long::parseLong).toArray());
            });
            return series;
        };
    }

    /** The script's keys and their labels, in this order: key, label, key, label... */
    private static Map<String, String> labels(String... keysAndLabels) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < keysAndLabels.length; i += 2) {
            labels.put(keysAndLabels[i], keysAndLabels[i + 1]);
        }
        return labels;
    }

    /** Both ratios of {@code a / b}: of the medians over all clean samples, and the per-round statistics. */
    private static String ratio(Rounds r, String a, String b) {
        return String.format(java.util.Locale.ROOT, "%.2f over all samples; %s", r.overall(a, b),
                r.ratio(a, b).summary());
    }

    private static void printMillis(Rounds r) {
        for (String s : r.series()) {
            long[] all = r.all(s);
            if (all.length == 0) {
                System.out.printf("  %-44s no clean round%n", s);
                continue;
            }
            System.out.printf("  %-44s median %8.1f ms, p90 %8.1f ms (n=%d)%n", s,
                    Rounds.percentile(all, 50) / 1e6, Rounds.percentile(all, 90) / 1e6, all.length);
        }
    }

    private static void check(Object answer) {
        if (!Integer.valueOf(42).equals(answer)) {
            throw new IllegalStateException("the task returned " + answer);
        }
    }
}
