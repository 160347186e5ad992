package dev.safespawn.strategies.vthreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A call that blocks on a virtual thread must park, not pin its carrier.
 * Runs in its own JVM (JDK 21+, the surefire execution {@code virtual-threads})
 * with one carrier thread: there, a pinned carrier stops every other virtual
 * thread, including the {@link GatedTicker} that lets the children end, so a
 * pinning call deadlocks the test until its bound. JFR's pin events must not
 * show safespawn's code either.
 */
class VirtualThreadsTest {
    private static final long BOUND_SECONDS = 60;
    private static final int WAITERS = 200;
    private static final int READERS = 20;
    private static final int WRITERS = 4;
    private static final int PAYLOAD = 4 * 1024 * 1024;

    private static final Map<String, Spawner> SPAWNERS = new ConcurrentHashMap<>();

    @BeforeAll
    static void requireVirtualThreads() {
        VirtualThreads.requireOneCarrier();
    }

    @AfterAll
    static void closeSpawners() {
        SPAWNERS.values().forEach(Spawner::close);
    }

    private static Spawner spawner(String strategy) {
        return SPAWNERS.computeIfAbsent(strategy, Spawner::of);
    }

    enum Wait { WAIT_FOR, WAIT_FOR_TIMEOUT, ON_EXIT_JOIN }

    static Stream<Arguments> strategiesAndWaits() {
        return Stream.of("posix_spawn", "fork_exec", "zygote", "jdk")
                .flatMap(s -> Arrays.stream(Wait.values()).map(w -> Arguments.of(s, w)));
    }

    @Test
    void tasksRunOnVirtualThreads() throws Exception {
        try (Tasks tasks = new Tasks()) {
            Future<Boolean> virtual = tasks.submit(VirtualThreads::current);
            assertThat(virtual.get(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("strategiesAndWaits")
    void waitingForExitParks(String strategy, Wait wait) throws Exception {
        Command cat = Command.builder("cat").stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build();
        try (Tasks tasks = new Tasks()) {
            List<ChildProcess> children = tasks.spawn(spawner(strategy), cat, WAITERS);
            // The gate: every child's stdin closes, so every cat ends.
            GatedTicker ticker = tasks.ticker(WAITERS, () -> {
                for (ChildProcess c : children) {
                    c.getOutputStream().close();
                }
            });
            List<Future<Integer>> exits = new ArrayList<>();
            for (ChildProcess c : children) {
                exits.add(tasks.submit(() -> {
                    ticker.arrive();
                    switch (wait) {
                        case WAIT_FOR:
                            return c.waitFor();
                        case WAIT_FOR_TIMEOUT:
                            assertThat(c.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)).as("exited in time").isTrue();
                            return c.exitValue();
                        default:
                            return c.onExit().join().exitValue();
                    }
                }));
            }
            for (Future<Integer> exit : exits) {
                assertThat(tasks.await(exit, ticker)).isZero();
            }
            tasks.assertNoPinsInSafespawn();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote", "jdk"})
    void readingToEndParks(String strategy) throws Exception {
        Command slowWriter = Command.builder("sh", "-c", "echo first; cat; echo last").stderr(Redirect.DISCARD).build();
        try (Tasks tasks = new Tasks()) {
            List<ChildProcess> children = tasks.spawn(spawner(strategy), slowWriter, READERS);
            // The gate: the children's stdin closes, so each writes its last line and ends.
            GatedTicker ticker = tasks.ticker(READERS, () -> {
                for (ChildProcess c : children) {
                    c.getOutputStream().close();
                }
            });
            List<Future<byte[]>> outputs = new ArrayList<>();
            for (ChildProcess c : children) {
                outputs.add(tasks.submit(() -> {
                    ticker.arrive();
                    try (InputStream in = c.getInputStream()) {
                        return in.readAllBytes();
                    }
                }));
            }
            for (Future<byte[]> out : outputs) {
                assertThat(new String(tasks.await(out, ticker), StandardCharsets.US_ASCII)).isEqualTo("first\nlast\n");
            }
            tasks.assertNoPinsInSafespawn();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote", "jdk"})
    void writingToAFullPipeParks(String strategy) throws Exception {
        // cat copies stdin to stdout; nobody reads stdout before the gate, so
        // both pipes fill and every writer blocks on a full pipe.
        Command cat = Command.builder("cat").stderr(Redirect.DISCARD).build();
        byte[] payload = new byte[PAYLOAD];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + (i >>> 12));
        }
        try (Tasks tasks = new Tasks()) {
            List<ChildProcess> children = tasks.spawn(spawner(strategy), cat, WRITERS);
            List<Future<byte[]>> drained = new CopyOnWriteArrayList<>(); // filled by the ticker
            // The gate: readers start to drain the children's stdout.
            GatedTicker ticker = tasks.ticker(WRITERS, () -> {
                for (ChildProcess c : children) {
                    drained.add(tasks.submit(() -> {
                        try (InputStream in = c.getInputStream()) {
                            return in.readAllBytes();
                        }
                    }));
                }
            });
            List<Future<Boolean>> writes = new ArrayList<>();
            for (ChildProcess c : children) {
                writes.add(tasks.submit(() -> {
                    ticker.arrive();
                    try (OutputStream out = c.getOutputStream()) {
                        out.write(payload);
                    }
                    return true;
                }));
            }
            for (Future<Boolean> w : writes) {
                assertThat(tasks.await(w, ticker)).isTrue();
            }
            assertThat(drained).hasSize(WRITERS);
            for (Future<byte[]> d : drained) {
                assertThat(Arrays.equals(tasks.await(d, ticker), payload)).as("every byte, in order").isTrue();
            }
            tasks.assertNoPinsInSafespawn();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote", "jdk"})
    void spawningOnVirtualThreadsWorks(String strategy) throws Exception {
        Command exit3 = Command.builder("sh", "-c", "exit 3").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                .stderr(Redirect.DISCARD).build();
        try (Tasks tasks = new Tasks()) {
            // A spawner of its own, opened on a virtual thread: a zygote server
            // is started, and greets, on one.
            Spawner own = tasks.await(tasks.submit(() -> {
                Spawner s = Spawner.of(strategy);
                s.spawn(exit3).waitFor();
                return s;
            }));
            try (own) {
                List<Future<Integer>> exits = new ArrayList<>();
                for (int i = 0; i < READERS; i++) {
                    exits.add(tasks.submit(() -> own.spawn(exit3).waitFor()));
                }
                for (Future<Integer> exit : exits) {
                    assertThat(tasks.await(exit)).isEqualTo(3);
                }
            }
            tasks.assertNoPinsInSafespawn();
        }
    }

    /**
     * One test's virtual threads, children and pin recording. Closing it kills
     * the children still running (only ones this test started) and closes
     * their streams, which frees any carrier a failed test left pinned.
     */
    private static final class Tasks implements AutoCloseable {
        private final PinnedEvents pins = new PinnedEvents();
        private final ExecutorService executor = VirtualThreads.perTaskExecutor();
        private final List<ChildProcess> children = new ArrayList<>();
        private final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);

        List<ChildProcess> spawn(Spawner spawner, Command command, int count) throws Exception {
            List<ChildProcess> spawned = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ChildProcess c = spawner.spawn(command);
                children.add(c);
                spawned.add(c);
            }
            return spawned;
        }

        GatedTicker ticker(int blockers, GatedTicker.GateAction gate) {
            GatedTicker ticker = new GatedTicker(blockers, gate);
            executor.execute(ticker);
            return ticker;
        }

        <T> Future<T> submit(Callable<T> task) {
            return executor.submit(task);
        }

        /** The task's result, or a failure once the test's bound has passed: the blocked calls pinned the carrier. */
        <T> T await(Future<T> task, GatedTicker ticker) throws Exception {
            try {
                return task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return fail("still blocked after " + BOUND_SECONDS + " s; the ticker ticked " + ticker.ticksWhileBlocked()
                        + " of " + GatedTicker.TICKS + " times while the children blocked: a blocking call pinned the"
                        + " only carrier thread");
            }
        }

        /** The task's result, or a failure once the test's bound has passed. */
        <T> T await(Future<T> task) throws Exception {
            try {
                return task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return fail("still blocked after " + BOUND_SECONDS + " s");
            }
        }

        void assertNoPinsInSafespawn() throws Exception {
            assertThat(pins.inSafespawn()).as("virtual threads pinned in safespawn's code").isEmpty();
        }

        @Override
        public void close() throws IOException {
            for (ChildProcess c : children) {
                c.destroyForcibly();
                c.getOutputStream().close();
                c.getInputStream().close();
                c.getErrorStream().close();
            }
            VirtualThreads.shutDown(executor, BOUND_SECONDS);
            pins.close();
        }
    }
}
