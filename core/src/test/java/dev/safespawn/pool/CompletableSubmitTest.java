package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit}'s {@link CompletableFuture}: where dependent stages run, and
 * that cancelling it cancels the task as the pool's futures always did. Workers
 * are started by the {@code jdk} strategy, the one core has.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class CompletableSubmitTest {
    private static final long BOUND_SECONDS = 60;

    private static ProcessPool oneWorker() {
        return ProcessPool.builder().workers(1).spawner(JdkSpawner.SHARED).output(ProcessPool.Output.discard()).build();
    }

    private static long workerPid(ProcessPool pool) throws Exception {
        return pool.submit(() -> ProcessHandle.current().pid()).get(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aDependentRegisteredBeforeTheTaskEndsRunsOffTheDispatcher() throws Exception {
        try (ProcessPool pool = oneWorker(); TaskGate gate = new TaskGate()) {
            CompletableFuture<Integer> held = pool.submit(gate.task(7));
            gate.awaitArrivals(1);
            CompletableFuture<String> where = held.thenApply(v -> v + " on " + Thread.currentThread().getName());
            gate.release();

            assertThat(where.get(BOUND_SECONDS, TimeUnit.SECONDS))
                    .startsWith("7 on safespawn-pool-completion-");
        }
    }

    @Test
    void aBlockingDependentDoesNotHoldUpThePool() throws Exception {
        try (ProcessPool pool = oneWorker(); TaskGate gate = new TaskGate()) {
            CountDownLatch letGo = new CountDownLatch(1);
            CompletableFuture<Integer> first = pool.submit(gate.task(1));
            gate.awaitArrivals(1);
            CompletableFuture<Integer> blocked = first.thenApply(v -> {
                try {
                    letGo.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return v;
            });
            gate.release();

            // The one dispatcher is free although the first task's dependent is still blocked.
            assertThat(pool.submit(() -> 2).get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(blocked).isNotDone();
            letGo.countDown();
            assertThat(blocked.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void theFutureIsDoneAsSoonAsTheTaskEvenWhileADependentBlocks() throws Exception {
        try (ProcessPool pool = oneWorker(); TaskGate gate = new TaskGate()) {
            CountDownLatch letGo = new CountDownLatch(1);
            CompletableFuture<Integer> first = pool.submit(gate.task(1));
            gate.awaitArrivals(1);
            first.whenComplete((v, e) -> {
                try {
                    letGo.await(); // holds the completion thread that hands the outcome over
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Integer> second = pool.submit(() -> 2);
            gate.release();
            pool.shutdown();
            assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();

            assertThat(first.isDone()).isTrue();
            assertThat(first.getNow(null)).isEqualTo(1);
            assertThat(second.join()).isEqualTo(2);
            letGo.countDown();
        }
    }

    @Test
    void cancellingAQueuedTasksFutureMeansItNeverRuns(@TempDir Path dir) throws Exception {
        String trace = dir.resolve("ran").toString();
        try (ProcessPool pool = oneWorker(); TaskGate gate = new TaskGate()) {
            CompletableFuture<Integer> running = pool.submit(gate.task(0));
            CompletableFuture<Integer> queued = pool.submit(() -> {
                Files.createFile(Path.of(trace));
                return 1;
            });
            CompletableFuture<String> dependent = queued.thenApply(String::valueOf);
            gate.awaitArrivals(1);

            assertThat(queued.cancel(true)).isTrue();
            assertThat(queued.isCancelled()).isTrue();
            assertThatThrownBy(queued::join).isInstanceOf(CancellationException.class);
            assertThat(dependent.isCompletedExceptionally()).isTrue();
            gate.release();

            assertThat(running.get(BOUND_SECONDS, TimeUnit.SECONDS)).isZero();
            assertThat(pool.submit(() -> 2).get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(Path.of(trace)).doesNotExist();
        }
    }

    @Test
    void cancellingARunningTasksFutureKillsItsWorkerAndThePoolGoesOn() throws Exception {
        try (ProcessPool pool = oneWorker(); TaskGate gate = new TaskGate()) {
            long before = workerPid(pool);
            CompletableFuture<Integer> running = pool.submit(gate.task(0));
            gate.awaitArrivals(1); // never released: only the cancellation ends it

            assertThat(running.cancel(true)).isTrue();

            assertThat(running.isCancelled()).isTrue();
            assertThat(workerPid(pool)).as("the next task's worker").isNotEqualTo(before);
            assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void cancellingAFinishedTasksFutureChangesNothing() throws Exception {
        try (ProcessPool pool = oneWorker()) {
            CompletableFuture<Integer> done = pool.submit(() -> 5);
            assertThat(done.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(5);

            assertThat(done.cancel(true)).isFalse();
            assertThat(done.isCancelled()).isFalse();
            assertThat(done.join()).isEqualTo(5);
        }
    }

    @Test
    void aTaskHandedBackByShutdownNowCompletesItsFutureWhenRunHere() throws Exception {
        ProcessPool pool = oneWorker();
        try (TaskGate gate = new TaskGate()) {
            pool.submit(gate.task(0));
            CompletableFuture<String> queued = pool.submit(() -> "here");
            gate.awaitArrivals(1);

            var notStarted = pool.shutdownNow();
            assertThat(notStarted).hasSize(1);
            notStarted.get(0).run();

            assertThat(queued.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo("here");
        } finally {
            pool.close();
        }
    }
}
