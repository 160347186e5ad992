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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
}
