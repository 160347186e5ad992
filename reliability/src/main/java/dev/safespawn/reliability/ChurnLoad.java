package dev.safespawn.reliability;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import dev.safespawn.strategies.forkexec.ForkExecStrategy;
import dev.safespawn.testkit.Probe;
import dev.safespawn.testkit.ProbeReport;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seed bug's situation under load: {@value #SPAWNING_THREADS} threads
 * spawn as fast as they can while {@value #CHURNING_THREADS} threads open and
 * close descriptors without {@code O_CLOEXEC}. Every
 * {@value #CHECK_EVERY}th child is the probe reporting its descriptor table,
 * which must be 0, 1 and 2 and nothing else; the others are the probe
 * exiting 0 at once. Every child must exit 0.
 */
final class ChurnLoad implements Scenario {
    static final int SPAWNING_THREADS = 16;
    static final int CHURNING_THREADS = 8;
    static final int CHECK_EVERY = 10;
    /** The run stops here if it has not finished, and says so: it must never hang a build. */
    private static final Duration DEADLINE = Duration.ofMinutes(20);
    private static final Set<Integer> STDIO = Set.of(0, 1, 2);

    @Override
    public String name() {
        return "churn";
    }

    @Override
    public String description() {
        return SPAWNING_THREADS + " threads spawn as fast as they can while " + CHURNING_THREADS
                + " threads open and close pipes, Unix socket pairs, UDP sockets and files through libc without"
                + " O_CLOEXEC. Every " + CHECK_EVERY + "th child is the C probe reporting its descriptor table,"
                + " which must hold 0, 1 and 2 only; every child must exit 0. Clean: no wrong table, no failed"
                + " spawn, and nothing left behind (descriptors, threads, children, zombies). 100,000 spawns per"
                + " configuration in the full run, 20,000 in fork mode (each fork copies the JVM's page tables, and"
                + " the JVM's writes fault while any child is between fork and exec: under 100 spawns a second"
                + " under this load, where vfork manages over 1,000); 500 in the build's short run, 200 in fork"
                + " mode.";
    }

    @Override
    public void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception {
        int spawns = spawns(configuration, budget);
        long[] spawnNanos = new long[spawns];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger checked = new AtomicInteger();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long start;
        DescriptorChurn churn;
        try (Spawner spawner = configuration.open()) {
            Command quick = probe(Redirect.DISCARD, "exit", "0");
            Command report = probe(Redirect.PIPE, "report");
            churn = DescriptorChurn.start(CHURNING_THREADS);
            start = System.nanoTime();
            try {
                List<Thread> spawners = new ArrayList<>();
                for (int t = 0; t < SPAWNING_THREADS; t++) {
                    Thread thread = new Thread(() -> {
                        for (int i; (i = next.getAndIncrement()) < spawns && System.nanoTime() < deadline; ) {
                            boolean check = i % CHECK_EVERY == 0;
                            try {
                                spawnNanos[i] = spawnAndCheck(spawner, check ? report : quick, check, outcome);
                                if (check) {
                                    checked.incrementAndGet();
                                }
                                done.incrementAndGet();
                            } catch (Exception e) {
                                outcome.problem("spawn " + i + " failed: " + e);
                            }
                        }
                    }, "reliability-spawner-" + t);
                    spawners.add(thread);
                    thread.start();
                }
                for (Thread thread : spawners) {
                    thread.join();
                }
            } finally {
                churn.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (done.get() < spawns) {
            outcome.problem("only " + done.get() + " of " + spawns + " spawns done within " + DEADLINE);
        }
        long[] latencies = Arrays.copyOf(spawnNanos, done.get() == spawns ? spawns : 0);
        Arrays.sort(latencies);
        outcome.figure("spawns", done.get());
        outcome.figure("tables checked", checked.get());
        outcome.figure("spawns/s", String.format("%.0f", done.get() / seconds));
        outcome.figure("churned fds/s", String.format("%.0f", churn.perSecond()));
        outcome.figure("spawn() p99 (ms)", latencies.length == 0 ? "-" : millis(latencies[latencies.length * 99 / 100]));
        outcome.figure("worst spawn() (ms)", latencies.length == 0 ? "-" : millis(latencies[latencies.length - 1]));
    }

    /**
     * 500 in the short run and 100,000 in the full one, but for fork mode:
     * every fork copies the JVM's page tables, and while any child is between
     * fork and exec each page the JVM writes is copied once more, so under
     * this load it manages under 100 spawns a second (vfork over 1,000; on a
     * host where page faults are dear, 14 against 160). The full run gives it
     * the campaign's minimum of 20,000, the short one 200.
     */
    static int spawns(Configuration configuration, Budget budget) {
        boolean fork = "fork".equals(configuration.properties().get(ForkExecStrategy.MODE_PROPERTY));
        return fork ? budget.pick(200, 20_000) : budget.pick(500, 100_000);
    }

    private static Command probe(Redirect stdout, String... modeAndArgs) {
        return Command.builder(Probe.path().toString()).args(modeAndArgs)
                .stdin(Redirect.DISCARD).stdout(stdout).stderr(Redirect.DISCARD).build();
    }

    /** Spawns {@code command}, checks what it reports if asked, and returns how long {@code spawn()} took. */
    private static long spawnAndCheck(Spawner spawner, Command command, boolean check, Outcome outcome)
            throws Exception {
        long before = System.nanoTime();
        ChildProcess child = spawner.spawn(command);
        long took = System.nanoTime() - before;
        String stdout = "";
        if (check) {
            try (InputStream in = child.getInputStream()) {
                stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            outcome.problem("child " + child.pid() + " still running after 60 s");
            return took;
        }
        if (child.exitValue() != 0) {
            outcome.problem("child " + child.pid() + " exited " + child.exitValue());
        } else if (check) {
            ProbeReport r = ProbeReport.parse(stdout);
            if (!r.fds().equals(STDIO)) {
                outcome.problem("child " + child.pid() + " held " + r.fdKinds() + ", not just 0, 1 and 2");
            }
        }
        return took;
    }

    private static String millis(long nanos) {
        return String.format("%.2f", nanos / 1e6);
    }
}
