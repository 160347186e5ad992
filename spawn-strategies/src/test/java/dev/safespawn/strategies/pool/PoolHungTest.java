package dev.safespawn.strategies.pool;

import static dev.safespawn.strategies.pool.PoolTesting.BOUND_SECONDS;
import static dev.safespawn.strategies.pool.PoolTesting.failureOf;
import static dev.safespawn.strategies.pool.PoolTesting.quiet;
import static dev.safespawn.strategies.pool.PoolTesting.workerPid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Signal;
import dev.safespawn.Spawner;
import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.SerializableCallable;
import dev.safespawn.pool.WorkerCrashedException;
import dev.safespawn.testkit.ParentState;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No worker outlives the pool when its task hangs where Java cannot reach it:
 * {@link Hang#NATIVE}, blocked in {@code open(2)} on a FIFO nobody writes to
 * (its channel reader still runs), or {@link Hang#STOPPED} by {@code SIGSTOP}
 * (none of its threads runs, so only a kill from outside ends it). The pool's
 * JVM killed under such a worker is {@link PoolOrphanTest}'s.
 */
@Timeout(120)
class PoolHungTest {
    /** How the worker is stuck. */
    enum Hang {
        NATIVE, STOPPED
    }

    /** The task timeout where one is set: short, since a hung task only ever ends by it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    static Stream<Arguments> cases() {
        return PoolStrategiesTest.available().stream()
                .flatMap(s -> Stream.of(Hang.values()).map(h -> Arguments.of(s, h)));
    }

    /**
     * Runs in a worker: arrives at the gate on {@code port}, then, once let
     * through, opens a FIFO nobody writes to, which blocks in {@code open(2)}
     * for ever; no interrupt reaches it there.
     */
    static SerializableCallable<Integer> hangs(int port, String fifo) {
        return () -> {
            Gate.pass(port);
            return readFifo(fifo);
        };
    }

    /** As {@link #hangs} without the gate. */
    static int readFifo(String fifo) throws IOException {
        try (FileInputStream in = new FileInputStream(fifo)) {
            return in.read();
        }
    }

    /** A new FIFO in {@code dir}, made by the test (the workers only open it). */
    static Path fifo(Path dir) throws Exception {
        Path fifo = dir.resolve("nobody-writes-" + System.nanoTime());
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)).as("mkfifo ended").isTrue();
        assertThat(mkfifo.exitValue()).as("mkfifo's exit code").isZero();
        return fifo;
    }

    /**
     * Stops the worker. Once the signal is sent the worker runs no more code:
     * a pending {@code SIGSTOP} stops each thread before it returns to user space.
     */
    static void stop(int pidfd) {
        ParentState.signal(pidfd, Signal.STOP);
    }

    /** The pool's only worker, with a pidfd opened while it lives (so even its quick death is seen). */
    private static final class Stuck implements AutoCloseable {
        final long pid;
        final int pidfd;
        CompletableFuture<Integer> task; // its hung task, once submitted

        private Stuck(long pid) {
            this.pid = pid;
            this.pidfd = PoolTesting.pidfdOf(pid);
        }

        /** The pool's only worker: the one that runs the next task. */
        static Stuck next(ProcessPool pool) throws Exception {
            return new Stuck(workerPid(pool));
        }

        boolean gone() {
            return PoolTesting.awaitExit(pidfd, (int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
        }

        boolean goneAlready() {
            return PoolTesting.awaitExit(pidfd, 0);
        }

        /** Kills the worker if a failed test left it stuck, so the pool's close cannot hang on it. */
        @Override
        public void close() {
            try {
                if (!goneAlready()) {
                    ParentState.signal(pidfd, Signal.KILL);
                }
            } finally {
                PoolTesting.closeFd(pidfd);
            }
        }

        /** Closes this if {@code setUp} throws. */
        Stuck orClose(SetUp setUp) throws Exception {
            try {
                setUp.run();
                return this;
            } catch (Throwable t) {
                close();
                throw t;
            }
        }
    }

    private interface SetUp {
        void run() throws Exception;
    }

    /** Hangs the pool's only worker in a task known to be running (it passed the gate). */
    private static Stuck running(ProcessPool pool, Hang how, Path dir, Gate gate) throws Exception {
        String fifo = fifo(dir).toString();
        Stuck stuck = Stuck.next(pool);
        return stuck.orClose(() -> {
            stuck.task = pool.submit(hangs(gate.port(), fifo));
            gate.awaitArrivals(1);
            gate.release(); // on to the FIFO; stopped, it goes nowhere
            if (how == Hang.STOPPED) {
                stop(stuck.pidfd);
            }
        });
    }

    /**
     * Hangs the pool's only worker in a task, with no gate for a task timeout
     * to race: a stopped worker is stopped before the task is sent.
     */
    private static Stuck submitted(ProcessPool pool, Hang how, Path dir) throws Exception {
        String fifo = fifo(dir).toString();
        Stuck stuck = Stuck.next(pool);
        return stuck.orClose(() -> {
            if (how == Hang.STOPPED) {
                stop(stuck.pidfd);
            }
            stuck.task = pool.submit(() -> readFifo(fifo));
        });
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void shutdownNowEndsTheWorker(String strategy, Hang how, @TempDir Path dir) throws Exception {
        try (Spawner spawner = Spawner.of(strategy);
             ProcessPool pool = quiet().spawner(spawner).workers(1).build();
             Gate gate = new Gate();
             Stuck stuck = running(pool, how, dir, gate)) {
            assertThat(pool.shutdownNow()).as("nothing was queued").isEmpty();

            assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).as("terminated").isTrue();
            assertThat(stuck.goneAlready()).as("worker %d gone", stuck.pid).isTrue();
            assertThat(failureOf(stuck.task, 0)).isInstanceOf(WorkerCrashedException.class);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void taskTimeoutEndsTheWorkerAndTheNextTaskGetsANewOne(String strategy, Hang how, @TempDir Path dir)
            throws Exception {
        try (Spawner spawner = Spawner.of(strategy);
             ProcessPool pool = quiet().spawner(spawner).workers(1).taskTimeout(TIMEOUT).build();
             Stuck stuck = submitted(pool, how, dir)) {
            assertThat(failureOf(stuck.task)).isInstanceOf(TimeoutException.class);
            assertThat(stuck.gone()).as("worker %d gone", stuck.pid).isTrue();

            assertThat(workerPid(pool)).as("the next task's worker").isNotEqualTo(stuck.pid);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void closeWithATaskTimeoutReturnsAndEndsTheWorker(String strategy, Hang how, @TempDir Path dir)
            throws Exception {
        try (Spawner spawner = Spawner.of(strategy)) {
            ProcessPool pool = quiet().spawner(spawner).workers(1).taskTimeout(TIMEOUT).build();
            try (Stuck stuck = submitted(pool, how, dir)) {
                pool.close(); // returns once the timeout has ended the task: the class's @Timeout bounds it

                assertThat(pool.isTerminated()).isTrue();
                assertThat(stuck.goneAlready()).as("worker %d gone", stuck.pid).isTrue();
                assertThat(failureOf(stuck.task, 0)).isInstanceOf(TimeoutException.class);
            }
        }
    }

    /** An idle worker that cannot run does not see its channel close: close() must not wait for it for ever. */
    @ParameterizedTest
    @MethodSource("dev.safespawn.strategies.pool.PoolStrategiesTest#available")
    void closeEndsAStoppedIdleWorker(String strategy) throws Exception {
        try (Spawner spawner = Spawner.of(strategy)) {
            ProcessPool pool = quiet().spawner(spawner).workers(1).build();
            try (Stuck stuck = Stuck.next(pool)) {
                stop(stuck.pidfd);

                CompletableFuture<Void> closing = CompletableFuture.runAsync(pool::close);
                closing.get(BOUND_SECONDS, TimeUnit.SECONDS); // on failure, closing the Stuck lets it return

                assertThat(stuck.goneAlready()).as("worker %d gone", stuck.pid).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void cancelWithInterruptKillsTheWorker(String strategy, Hang how, @TempDir Path dir) throws Exception {
        try (Spawner spawner = Spawner.of(strategy);
             ProcessPool pool = quiet().spawner(spawner).workers(1).build();
             Gate gate = new Gate();
             Stuck stuck = running(pool, how, dir, gate)) {
            assertThat(stuck.task.cancel(true)).as("cancelled").isTrue();

            assertThat(stuck.gone()).as("worker %d gone", stuck.pid).isTrue();
            assertThat(workerPid(pool)).as("the next task's worker").isNotEqualTo(stuck.pid);
        }
    }
}
