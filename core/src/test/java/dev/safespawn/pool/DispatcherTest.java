package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's queueing, worker replacement and shutdown, with workers
 * started by the {@code jdk} strategy (the one core has; its channel is the
 * workers' stdin and stdout). The end-to-end suite on every native strategy
 * lives with the strategies.
 */
class DispatcherTest {
    private static final long BOUND_SECONDS = 60;

    private static ProcessPool.Builder settings() {
        return ProcessPool.builder().workers(1).output(ProcessPool.Output.discard());
    }

    private static Dispatcher start(ProcessPool.Builder settings) {
        return Dispatcher.start(settings.config(), JdkSpawner.SHARED, false);
    }

    private static <T> PoolTask<T> submit(Dispatcher d, SerializableCallable<T> task) {
        return d.enqueue(PoolTask.of(task));
    }

    private static <T> T valueOf(Future<T> f) throws Exception {
        return f.get(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> f) {
        Throwable thrown = catchThrowable(() -> f.get(BOUND_SECONDS, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    private static void stop(Dispatcher d) throws InterruptedException {
        d.shutdown();
        assertThat(d.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(d.isTerminated()).isTrue();
    }

    /** Runs in a worker. */
    static long pid() {
        return ProcessHandle.current().pid();
    }

    @Test
    void tasksRunInAWorkerJvmThatIsKeptForTheNext() throws Exception {
        Dispatcher d = start(settings());
        long first = valueOf(submit(d, DispatcherTest::pid));
        assertThat(first).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(valueOf(submit(d, DispatcherTest::pid))).isEqualTo(first);
        stop(d);
        assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive)).as("the worker is gone").isNotEqualTo(
                java.util.Optional.of(true));
    }

    @Test
    void afterShutdownNothingIsAcceptedButQueuedTasksStillRun() throws Exception {
        Dispatcher d = start(settings());
        try (TaskGate gate = new TaskGate()) {
            PoolTask<Integer> running = submit(d, gate.task(0));
            List<PoolTask<Integer>> queued = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int value = i;
                queued.add(submit(d, () -> value));
            }
            gate.awaitArrivals(1); // one worker: the first task runs, the others wait in the queue

            d.shutdown();
            d.shutdown(); // idempotent
            assertThat(d.isShutdown()).isTrue();
            assertThatThrownBy(() -> submit(d, () -> 4)).isInstanceOf(RejectedExecutionException.class);
            assertThat(d.isTerminated()).as("terminated with tasks left").isFalse();
            gate.release();

            assertThat(valueOf(running)).isZero();
            for (int i = 0; i < queued.size(); i++) {
                assertThat(valueOf(queued.get(i))).isEqualTo(i + 1);
            }
            assertThat(d.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void shutdownNowHandsBackTheQueuedTasksInOrderAndEndsTheRunningOne() throws Exception {
        Dispatcher d = start(settings());
        try (TaskGate gate = new TaskGate()) {
            PoolTask<Integer> running = submit(d, gate.task(0));
            List<PoolTask<Integer>> queued = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int value = i;
                queued.add(submit(d, () -> value));
            }
            gate.awaitArrivals(1); // never released: only shutdownNow ends it

            List<Runnable> notStarted = d.shutdownNow();

            assertThat(notStarted).containsExactlyElementsOf(queued);
            Throwable end = catchThrowable(() -> running.get(BOUND_SECONDS, TimeUnit.SECONDS));
            assertThat(end).isInstanceOfAny(ExecutionException.class, CancellationException.class);
            if (end instanceof ExecutionException) {
                assertThat(end.getCause()).isInstanceOf(WorkerCrashedException.class);
            }
            assertThat(d.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(queued).noneMatch(Future::isDone);
            assertThatThrownBy(() -> submit(d, () -> 4)).isInstanceOf(RejectedExecutionException.class);
            assertThat(d.shutdownNow()).as("nothing is handed back twice").isEmpty();
        }
    }

    @Test
    void aTaskCancelledWhileQueuedNeverRuns(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("ran");
        String tracePath = trace.toString();
        Dispatcher d = start(settings());
        try (TaskGate gate = new TaskGate()) {
            PoolTask<Integer> running = submit(d, gate.task(0));
            PoolTask<Integer> cancelled = submit(d, () -> {
                Files.createFile(Path.of(tracePath));
                return 1;
            });
            PoolTask<Integer> after = submit(d, () -> 2);
            gate.awaitArrivals(1);

            assertThat(cancelled.cancel(true)).isTrue();
            gate.release();

            assertThat(valueOf(running)).isZero();
            assertThat(valueOf(after)).isEqualTo(2); // the one worker ran the tasks in order
            assertThat(trace).doesNotExist();
            assertThat(cancelled.isCancelled()).isTrue();
        } finally {
            stop(d);
        }
    }

    @Test
    void aWorkerThatCannotStartFailsEachTaskThatNeededItAndNothingElse(@TempDir Path home) throws Exception {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'not a JVM' >&2\nexit 3\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        Dispatcher d = start(settings().javaHome(home));
        for (int i = 0; i < 2; i++) { // each task tries a fresh start
            assertThat(failureOf(submit(d, () -> 1))).isInstanceOf(IOException.class)
                    .hasMessageContaining("did not start").hasMessageContaining("exited with code 3");
        }
        stop(d);
    }

    @Test
    void maxTasksPerWorkerRetiresAWorkerAfterThatMany() throws Exception {
        Dispatcher d = start(settings().maxTasksPerWorker(1));
        long first = valueOf(submit(d, DispatcherTest::pid));
        assertThat(valueOf(submit(d, DispatcherTest::pid))).isNotEqualTo(first);
        stop(d);
    }

    @Test
    void aTaskOverTheTimeoutFailsWithTimeoutExceptionAndTheNextGetsAFreshWorker() throws Exception {
        // The bound is generous for the quick tasks; only the gated one, never released, reaches it.
        Dispatcher d = start(settings().taskTimeout(Duration.ofSeconds(5)));
        try (TaskGate gate = new TaskGate()) {
            long first = valueOf(submit(d, DispatcherTest::pid));
            PoolTask<Integer> stuck = submit(d, gate.task(0));
            assertThat(failureOf(stuck)).isInstanceOf(TimeoutException.class).hasMessageContaining("was killed");
            assertThat(valueOf(submit(d, DispatcherTest::pid))).isNotEqualTo(first);
        } finally {
            stop(d);
        }
    }
}
