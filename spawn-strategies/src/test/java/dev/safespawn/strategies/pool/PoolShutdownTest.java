package dev.safespawn.strategies.pool;

import static dev.safespawn.strategies.pool.PoolTesting.BOUND_SECONDS;
import static dev.safespawn.strategies.pool.PoolTesting.quiet;
import static dev.safespawn.strategies.pool.PoolTesting.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.SerializableCallable;
import dev.safespawn.pool.WorkerCrashedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** shutdown, shutdownNow, awaitTermination and close. */
class PoolShutdownTest {
    static SerializableCallable<Integer> gated(int port, int value) {
        return () -> {
            Gate.pass(port);
            return value;
        };
    }

    @Test
    void afterShutdownEverySubmissionIsRejected() throws Exception {
        try (ProcessPool pool = quiet().workers(1).build()) {
            pool.shutdown();

            assertThat(pool.isShutdown()).isTrue();
            assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
            assertThatThrownBy(() -> pool.execute((Runnable & java.io.Serializable) () -> { }))
                    .isInstanceOf(RejectedExecutionException.class);
            assertThatThrownBy(() -> pool.invokeAll(List.<SerializableCallable<Integer>>of(() -> 1)))
                    .isInstanceOf(RejectedExecutionException.class);
            assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.isTerminated()).isTrue();
        }
    }

    @Test
    void queuedTasksStillRunAfterShutdown() throws Exception {
        try (ProcessPool pool = quiet().workers(1).build(); Gate gate = new Gate()) {
            Future<Integer> running = pool.submit(gated(gate.port(), 0));
            List<Future<Integer>> queued = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                int value = i;
                queued.add(pool.submit(() -> value));
            }
            gate.awaitArrivals(1); // the only worker runs the first task: the others are queued

            pool.shutdown();
            assertThatThrownBy(() -> pool.submit(() -> 5)).isInstanceOf(RejectedExecutionException.class);
            assertThat(pool.isTerminated()).as("terminated with tasks left").isFalse();
            gate.release();

            assertThat(valueOf(running)).isZero();
            for (int i = 0; i < queued.size(); i++) {
                assertThat(valueOf(queued.get(i))).isEqualTo(i + 1);
            }
            assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.isTerminated()).isTrue();
        }
    }

    @Test
    void shutdownNowReturnsTheQueuedTasksAndStopsTheRunningOne() throws Exception {
        try (ProcessPool pool = quiet().workers(1).build(); Gate gate = new Gate()) {
            Future<Integer> running = pool.submit(gated(gate.port(), 0));
            List<Future<Integer>> queued = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int value = i;
                queued.add(pool.submit(() -> value));
            }
            gate.awaitArrivals(1); // never released: only shutdownNow ends it

            List<Runnable> notStarted = pool.shutdownNow();

            assertThat(notStarted).hasSize(3);
            Throwable end = catchThrowable(() -> running.get(BOUND_SECONDS, TimeUnit.SECONDS));
            assertThat(end).as("the running task's end").isInstanceOfAny(ExecutionException.class,
                    CancellationException.class);
            if (end instanceof ExecutionException) {
                assertThat(end.getCause()).isInstanceOf(WorkerCrashedException.class);
            }
            assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.isTerminated()).isTrue();
            assertThat(queued).as("queued tasks were not run").noneMatch(Future::isDone);

            // What shutdownNow hands back can still be run, here: it completes the tasks' futures.
            notStarted.forEach(Runnable::run);
            for (int i = 0; i < queued.size(); i++) {
                assertThat(valueOf(queued.get(i))).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void closeWaitsForEveryTask() throws Exception {
        List<Future<Integer>> futures = new ArrayList<>();
        ProcessPool closed;
        try (ProcessPool pool = quiet().workers(2).build()) {
            for (int i = 0; i < 6; i++) {
                int value = i;
                futures.add(pool.submit(() -> value * value));
            }
            closed = pool;
        }

        assertThat(futures).allMatch(Future::isDone);
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).get()).isEqualTo(i * i);
        }
        assertThat(closed.isTerminated()).isTrue();
    }

    /**
     * Was a bug, now fixed: a worker that died before greeting the pool had its
     * stdout and stderr forwarders left running, not joined, so close() could
     * return while they were still alive (and their pipes open). The "java"
     * here is a script that dies at once, leaving a child that holds its output
     * open a moment longer: that delay only widens the race; with the forwarders
     * joined the test passes however the threads are scheduled.
     */
    @Test
    void closeLeavesNoOutputForwarderOfAWorkerThatDiedAtStart(@TempDir Path fakeJavaHome) throws Exception {
        Path bin = Files.createDirectory(fakeJavaHome.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"),
                "#!/bin/sh\nsleep 1 3>&- 4>&- &\necho 'not a JVM: this worker dies at once' >&2\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));

        try (ProcessPool pool = ProcessPool.builder().workers(1).javaHome(fakeJavaHome)
                .output(ProcessPool.Output.forward()).build()) {
            Throwable failure = catchThrowable(() -> pool.submit(() -> 1).get(BOUND_SECONDS, TimeUnit.SECONDS));
            assertThat(failure).isInstanceOf(ExecutionException.class);
            assertThat(failure.getCause()).isInstanceOf(IOException.class).hasMessageContaining("did not start");
        }

        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive)
                .extracting(Thread::getName).noneMatch(n -> n.startsWith("safespawn-pool-output-"));
    }
}
