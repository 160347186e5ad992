package dev.safespawn.benchmarks;

import dev.safespawn.Command;
import dev.safespawn.Run;
import dev.safespawn.Spawner;
import dev.safespawn.pool.ProcessPool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * The suite's {@code targets} part: every ratio target of {@link Targets}
 * measured as alternating {@link Rounds} of both sides in the same minutes,
 * each side kept warm across the rounds, rounds disturbed by other work
 * discarded and rerun (a bounded number of times). Each comparison lands in
 * {@link Results#comparisons} under one of the keys below as a
 * {@link Rounds.Ratio}: the median and spread of the per-round ratios, and
 * how many rounds were clean.
 *
 * <ul>
 * <li>{@link #spawn}: spawn+wait of {@code /bin/true} through posix_spawn,
 *     zygote, zygote with standby 2 and ProcessBuilder, each opened once in
 *     this JVM, and the C floor, plain and with pipes, as six sides of the
 *     same rounds.
 * <li>{@link #heap}: per launcher, two {@link SpawnSideServer} JVMs, one with
 *     64 MiB and one with the profile's largest ballast. Only one launcher's
 *     pair is alive at a time: three 4.5 GiB JVMs at once would crowd the
 *     machine's memory, and the ratio needs only the pair in the same rounds.
 * <li>{@link #capture}: run and capture of {@link #CAPTURED}'s small output
 *     by {@link Run} through {@link Spawner#create()} (one call, as a user
 *     writes it), by ProcessBuilder + {@code readAllBytes}, by Commons Exec
 *     with a {@link PumpStreamHandler} and by Python's
 *     {@code subprocess.run(capture_output=True)} (a warm
 *     {@code capture_reference.py --serve}), against the C floor's
 *     spawn+wait of the same command with pipes, which it does not read.
 * <li>{@link #stdout}: posix_spawn and ProcessBuilder in this JVM, each sample
 *     a whole child draining {@link StdoutBenchmark#command} of a smaller size
 *     than the JMH part's.
 * <li>{@link #pool}: a warm one-worker {@link ProcessPool} against
 *     {@code pool_reference.py --serve}'s warm {@code ProcessPoolExecutor(1)};
 *     then a map of {@link Sizes#mapElements} trivial tasks over four workers
 *     on both sides, with the same chunk size (10,000 in the full run: on
 *     this 2-core machine Python's {@code executor.map} did 1,000,000
 *     elements about 15 % faster with it than with 1,000, and 50,000 gained
 *     little more while leaving four workers only 20 chunks to share).
 * <li>{@link #coldStart}: a task in a fresh process, and a new pool's first
 *     result, as {@link PoolColdStart}'s {@code start} and {@code first}
 *     parts measure them.
 * </ul>
 *
 * <p>Not thread-safe: the suite calls one comparison at a time.
 */
final class TargetComparisons {
    static final String POSIX_FLOOR = "posix_spawn / C floor";
    static final String POSIX_FLOOR_PIPES = "posix_spawn / C floor with pipes";
    static final String ZYGOTE_FLOOR = "zygote / C floor";
    static final String ZYGOTE_FLOOR_PIPES = "zygote / C floor with pipes";
    static final String STANDBY_FLOOR = "zygote_standby2 / C floor";
    static final String PB_POSIX = "processbuilder / posix_spawn";
    static final String RUN_FLOOR = "Run / C floor with pipes, same command";
    static final String PB_CAPTURE_FLOOR = "ProcessBuilder capture / C floor with pipes";
    static final String EXEC_CAPTURE_FLOOR = "Commons Exec capture / C floor with pipes";
    static final String PYTHON_RUN_FLOOR = "Python subprocess.run / C floor with pipes";
    /**
     * The command the capture comparison runs: a small output, from a program
     * as cheap as {@code /bin/true} but for writing it.
     */
    static final List<String> CAPTURED = List.of("/bin/echo", "hello");
    /** What {@link #CAPTURED} writes to stdout. */
    static final String CAPTURED_OUTPUT = String.join(" ", CAPTURED.subList(1, CAPTURED.size())) + "\n";
    static final String STDOUT = "stdout: processbuilder time / posix_spawn time";
    static final String POOL_ROUND_TRIP = "ProcessPool / ProcessPoolExecutor round trip";
    static final String POOL_THROUGHPUT = "map: Python time / Java time";
    static final String CALL_HELLO = "Subprocess.call / bare JVM hello";
    static final String STANDBY_PYTHON_FORK = "Subprocess.call, 1 standby / Python Process fork";
    static final String FIRST_PYTHON_FORK = "ProcessPool(4) first result / Python ProcessPoolExecutor(4) fork";

    /** The key of a launcher's heap comparison: its spawn+wait with the large ballast over 64 MiB. */
    static String heapKey(LauncherKind kind) {
        return kind.id() + ": large heap / 64 MiB";
    }

    /** The small heap of the heap comparisons, MiB. */
    static final int SMALL_HEAP_MIB = 64;
    /** The launchers whose heap growth is compared: the two targets, and fork for contrast. */
    static final List<LauncherKind> HEAP = List.of(LauncherKind.POSIX_SPAWN, LauncherKind.ZYGOTE,
            LauncherKind.FORK_EXEC_FORK);

    /**
     * Spawns per JIT warm-up round of a heap side: fork with a 4 GiB heap
     * takes milliseconds a spawn, and warm-up may take dozens of rounds.
     */
    private static final int WARMUP_SPAWNS = 50;
    private static final String FLOOR = "C floor";
    private static final String FLOOR_PIPES = "C floor, pipes";
    private static final String FLOOR_CAPTURED = "C floor, pipes, " + String.join(" ", CAPTURED);
    private static final String RUN = "Run";
    private static final String PB_CAPTURE = "ProcessBuilder + readAllBytes";
    private static final String EXEC_CAPTURE = "Commons Exec + PumpStreamHandler";
    private static final String PYTHON_RUN = "Python subprocess.run";
    private static final String PPE = "Python ProcessPoolExecutor";
    private static final String POOL = "ProcessPool";

    /**
     * How much each comparison measures.
     *
     * @param rounds clean rounds wanted per comparison (the map's are {@code mapRounds})
     * @param spawns spawn+waits per side and round, whose median is the round's figure
     * @param floorWarmup untimed spawns of each C floor run
     * @param stdoutPerRound children per side and round in the stdout comparison
     * @param stdoutBytes bytes each of them writes
     * @param roundTrips pool round trips per side and round
     * @param mapRounds clean rounds wanted of the map comparison, one map per side each
     * @param mapElements elements of each map
     * @param mapChunk chunk size of both sides' maps
     * @param startsPerRound fresh starts per side and round in the cold-start comparison
     */
    record Sizes(int rounds, int spawns, int floorWarmup, int stdoutPerRound, long stdoutBytes, int roundTrips,
                 int mapRounds, int mapElements, int mapChunk, int startsPerRound) {
        static final Sizes FULL = new Sizes(10, 300, 30, 2, 256L << 20, 500, 5, 1_000_000, 10_000, 3);
        static final Sizes QUICK = new Sizes(3, 20, 5, 1, 16L << 20, 20, 2, 20_000, 1_000, 1);

        static Sizes of(Profile profile) {
            return profile.quick() ? QUICK : FULL;
        }
    }

    private final Profile profile;
    private final Sizes sizes;
    private final Map<String, Rounds.Ratio> out;

    TargetComparisons(Profile profile, Map<String, Rounds.Ratio> out) {
        this.profile = profile;
        this.sizes = Sizes.of(profile);
        this.out = out;
    }

    /** Spawn+wait of every in-process launcher and the C floor, plain and with pipes, in the same rounds. */
    void spawn() throws Exception {
        Floor floor = Floor.besideJar();
        List<LauncherKind> kinds = List.of(LauncherKind.POSIX_SPAWN, LauncherKind.ZYGOTE,
                LauncherKind.ZYGOTE_STANDBY2, LauncherKind.PROCESS_BUILDER);
        List<Launcher> open = new ArrayList<>();
        try {
            List<Rounds.Side> sides = new ArrayList<>();
            for (LauncherKind k : kinds) {
                Launcher l = k.open();
                open.add(l);
                sides.add(Rounds.timed(k.id(), () -> Rounds.elapsed(() -> trueExits(l))));
            }
            sides.add(floorSide(floor, false));
            sides.add(floorSide(floor, true));
            JitWarmup.run(() -> {
                for (Launcher l : open) {
                    for (int i = 0; i < sizes.spawns; i++) {
                        trueExits(l);
                    }
                }
            });
            Rounds r = Rounds.run(sides, sizes.rounds, sizes.spawns);
            put(POSIX_FLOOR, r, "posix_spawn", FLOOR);
            put(POSIX_FLOOR_PIPES, r, "posix_spawn", FLOOR_PIPES);
            put(ZYGOTE_FLOOR, r, "zygote", FLOOR);
            put(ZYGOTE_FLOOR_PIPES, r, "zygote", FLOOR_PIPES);
            put(STANDBY_FLOOR, r, "zygote_standby2", FLOOR);
            put(PB_POSIX, r, "processbuilder", "posix_spawn");
        } finally {
            open.forEach(Launcher::close);
        }
    }

    /**
     * Run and capture of {@link #CAPTURED}: every in-process way, Python's
     * and the C floor's spawn+wait of it with pipes, in the same rounds; each
     * over the floor. Python's side is left out, and said so, where there is
     * no {@code python3}.
     */
    void capture() throws Exception {
        Command command = Command.of(CAPTURED.toArray(String[]::new));
        Path script = Helpers.pythonScript("capture_reference.py");
        ServedSide python = null;
        try (Spawner spawner = Spawner.create()) {
            List<Rounds.Side> sides = new ArrayList<>(List.of(
                    Rounds.timed(RUN, () -> Rounds.elapsed(() -> expect(
                            Run.run(command, spawner).check().stdoutText()))),
                    Rounds.timed(PB_CAPTURE, () -> Rounds.elapsed(() -> expect(processBuilder()))),
                    Rounds.timed(EXEC_CAPTURE, () -> Rounds.elapsed(() -> expect(commonsExec()))),
                    floorSide(Floor.besideJar(), FLOOR_CAPTURED, true, CAPTURED)));
            if (Machine.hasPython()) {
                python = ServedSide.start("python", List.of("python3", script.toString(), "--serve")).awaitReady();
                sides.add(python.side(PYTHON_RUN, n -> n + " " + String.join(" ", CAPTURED)));
            } else {
                System.out.println("  no python3 here: the capture comparison runs without Python's side");
            }
            JitWarmup.run(() -> {
                for (Rounds.Side side : sides.subList(0, 3)) {
                    side.take(sizes.spawns);
                }
            });
            Rounds r = Rounds.run(sides, sizes.rounds, sizes.spawns);
            put(RUN_FLOOR, r, RUN, FLOOR_CAPTURED);
            put(PB_CAPTURE_FLOOR, r, PB_CAPTURE, FLOOR_CAPTURED);
            put(EXEC_CAPTURE_FLOOR, r, EXEC_CAPTURE, FLOOR_CAPTURED);
            if (python != null) {
                put(PYTHON_RUN_FLOOR, r, PYTHON_RUN, FLOOR_CAPTURED);
            }
        } finally {
            if (python != null) {
                python.close();
            }
            Files.deleteIfExists(script);
        }
    }

    private static String processBuilder() throws IOException {
        Process p = new ProcessBuilder(CAPTURED).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.getErrorStream().readAllBytes();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }

    private static String commonsExec() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DefaultExecutor executor = DefaultExecutor.builder()
                .setExecuteStreamHandler(new PumpStreamHandler(out, new ByteArrayOutputStream())).get();
        executor.execute(new CommandLine(CAPTURED.get(0)).addArguments(
                CAPTURED.subList(1, CAPTURED.size()).toArray(String[]::new), false));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Fails a side that captured anything but {@link #CAPTURED_OUTPUT}: a wrong answer must not look fast. */
    static void expect(String got) {
        if (!CAPTURED_OUTPUT.equals(got)) {
            throw new IllegalStateException("captured " + got + " instead of " + CAPTURED_OUTPUT);
        }
    }

    /** One C floor run of {@code /bin/true} per round: its median of {@code n} spawns is the round's one sample. */
    private Rounds.Side floorSide(Floor floor, boolean pipes) {
        return floorSide(floor, pipes ? FLOOR_PIPES : FLOOR, pipes, List.of());
    }

    /** One C floor run of {@code childArgv} per round: its median of {@code n} spawns is the round's one sample. */
    private Rounds.Side floorSide(Floor floor, String series, boolean pipes, List<String> childArgv) {
        return n -> Map.of(series,
                new long[] {Math.round(floor.run(pipes, sizes.floorWarmup, n, childArgv).p50() * 1000)});
    }

    private static void trueExits(Launcher l) throws Exception {
        int code = l.run(SpawnBenchmark.TRUE);
        if (code != 0) {
            throw new IllegalStateException(SpawnBenchmark.TRUE + " exited " + code);
        }
    }

    /** The largest ballast of the profile (4 GiB in the full run), against {@link #SMALL_HEAP_MIB}. */
    int largeHeapMiB() {
        return profile.heapsMiB().stream().mapToInt(Integer::intValue).max().orElse(SMALL_HEAP_MIB);
    }

    /**
     * One launcher in two JVMs, with the small and the large ballast, in the
     * same rounds. fork_exec in fork mode, there for contrast, takes a tenth
     * of the spawns: with 4 GiB of heap each of its forks copies the page
     * tables, and a round of the full count took a minute.
     */
    void heap(LauncherKind kind) throws Exception {
        int large = largeHeapMiB();
        int divisor = kind == LauncherKind.FORK_EXEC_FORK ? 10 : 1;
        List<ServedSide> served = new ArrayList<>();
        try {
            for (int heap : List.of(SMALL_HEAP_MIB, large)) {
                String xm = (heap + Suite.HEAP_HEADROOM_MIB) + "m";
                served.add(ServedSide.start(kind.id() + " at " + Report.heapLabel(heap),
                        Helpers.javaMain(SpawnSideServer.class, List.of("-Xms" + xm, "-Xmx" + xm), kind.id(),
                                Integer.toString(heap), Integer.toString(WARMUP_SPAWNS / divisor))));
            }
            for (ServedSide s : served) { // both fill their ballast at the same time
                s.awaitReady();
            }
            List<Rounds.Side> sides = List.of(served.get(0).side("small", Integer::toString),
                    served.get(1).side("large", Integer::toString));
            put(heapKey(kind), Rounds.run(sides, sizes.rounds, Math.max(1, sizes.spawns / divisor)), "large", "small");
        } finally {
            served.forEach(ServedSide::close);
        }
    }

    /** A whole child's stdout drained by posix_spawn and by ProcessBuilder, in the same rounds. */
    void stdout() throws Exception {
        String[] command = StdoutBenchmark.command(sizes.stdoutBytes);
        try (Launcher ours = LauncherKind.POSIX_SPAWN.open(); Launcher pb = LauncherKind.PROCESS_BUILDER.open()) {
            List<Rounds.Side> sides = List.of(
                    Rounds.timed("posix_spawn", () -> Rounds.elapsed(() -> drain(ours, command))),
                    Rounds.timed("processbuilder", () -> Rounds.elapsed(() -> drain(pb, command))));
            put(STDOUT, Rounds.run(sides, sizes.rounds, sizes.stdoutPerRound), "processbuilder", "posix_spawn");
        }
    }

    private void drain(Launcher l, String[] command) throws Exception {
        long got = l.drainStdout(command);
        if (got != sizes.stdoutBytes) { // a launcher that lost bytes must not look fast
            throw new IllegalStateException("read " + got + " bytes of " + sizes.stdoutBytes);
        }
    }

    /**
     * The warm round trip, then the map throughput, each against a warm
     * Python executor in one long-lived {@code pool_reference.py --serve}.
     */
    void pool() throws Exception {
        Path script = Helpers.pythonScript("pool_reference.py");
        try (ServedSide python = ServedSide.start("python", List.of("python3", script.toString(), "--serve"));
             ProcessPool one = ProcessPool.builder().workers(1).prestart()
                     .output(ProcessPool.Output.discard()).build();
             ProcessPool four = ProcessPool.builder().workers(4).prestart()
                     .output(ProcessPool.Output.discard()).build()) {
            python.awaitReady();
            Rounds.Sample roundTrip = () -> Rounds.elapsed(() -> {
                Object answer = one.submit(PoolBenchmark.TRIVIAL).get();
                if (!Integer.valueOf(42).equals(answer)) {
                    throw new IllegalStateException("the task returned " + answer);
                }
            });
            JitWarmup.run(() -> {
                for (int i = 0; i < sizes.roundTrips; i++) {
                    roundTrip.nanos();
                }
            });
            List<Rounds.Side> trips = List.of(Rounds.timed(POOL, roundTrip), python.side(PPE, n -> "rt " + n));
            put(POOL_ROUND_TRIP, Rounds.run(trips, sizes.rounds, sizes.roundTrips), POOL, PPE);

            // untimed: every worker started and warm, as the script's executor is
            PoolColdStart.mapNanos(four, 40 * sizes.mapChunk, sizes.mapChunk);
            List<Rounds.Side> maps = List.of(
                    Rounds.timed(POOL, () -> PoolColdStart.mapNanos(four, sizes.mapElements, sizes.mapChunk)),
                    python.side(PPE, n -> "map " + sizes.mapElements + " " + sizes.mapChunk));
            put(POOL_THROUGHPUT, Rounds.run(maps, sizes.mapRounds, 1), PPE, POOL);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /**
     * A task in a fresh process: {@link PoolColdStart#startSides} (a bare JVM's
     * hello, {@code Subprocess.call} without and with a standby worker, and
     * Python's {@code multiprocessing.Process} start + join per start method);
     * then a new pool's first result, {@link PoolColdStart#firstSides} (a pool
     * of 4 and Python's {@code ProcessPoolExecutor(4)}). Each side
     * {@link Sizes#startsPerRound} samples a round.
     */
    void coldStart() throws Exception {
        Path script = Helpers.pythonScript("pool_cold_start.py");
        try (Spawner spawner = Spawner.create()) {
            Rounds r = Rounds.run(PoolColdStart.startSides(script), sizes.rounds, sizes.startsPerRound);
            put(CALL_HELLO, r, PoolColdStart.CALL, PoolColdStart.HELLO);
            put(STANDBY_PYTHON_FORK, r, PoolColdStart.CALL_STANDBY, PoolColdStart.PYTHON_FORK);
            Rounds first = Rounds.run(PoolColdStart.firstSides(spawner, script), sizes.rounds, sizes.startsPerRound);
            put(FIRST_PYTHON_FORK, first, PoolColdStart.POOL_FIRST, PoolColdStart.PYTHON_FIRST_FORK);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private void put(String key, Rounds r, String a, String b) {
        Rounds.Ratio ratio = r.ratio(a, b);
        out.put(key, ratio);
        System.out.println("  " + key + ": " + ratio.summary());
    }
}
