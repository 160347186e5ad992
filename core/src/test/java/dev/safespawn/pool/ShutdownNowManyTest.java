package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code shutdownNow()} with a large queue: every queued task comes back
 * exactly once, and the worker JVM does not outlive the pool. Workers are
 * started by the {@code jdk} strategy, the one core has.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // only a hang reaches it
class ShutdownNowManyTest {
    private static final long BOUND_SECONDS = 60;
    private static final int QUEUED = 100_000;

    @Test
    void shutdownNowHandsBackEveryOneOfAHundredThousandQueuedTasksOnce() throws Exception {
        ProcessPool pool = ProcessPool.builder().workers(1).spawner(JdkSpawner.SHARED).output(ProcessPool.Output.discard()).build();
        try (TaskGate gate = new TaskGate()) {
            long pid = pool.submit(() -> ProcessHandle.current().pid()).get(BOUND_SECONDS, TimeUnit.SECONDS);
            CompletableFuture<Integer> running = pool.submit(gate.task(-1));
            gate.awaitArrivals(1); // never released: only shutdownNow ends it
            List<CompletableFuture<Integer>> queued = new ArrayList<>(QUEUED);
            for (int i = 0; i < QUEUED; i++) {
                int value = i;
                queued.add(pool.submit(() -> value));
            }

            List<Runnable> notStarted = pool.shutdownNow();

            assertThat(notStarted).hasSize(QUEUED);
            Set<Runnable> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            distinct.addAll(notStarted);
            assertThat(distinct).as("no task handed back twice").hasSize(QUEUED);

            // The running task's worker was killed: its future fails (or was cancelled), it is not handed back.
            Throwable end = catchThrowable(() -> running.get(BOUND_SECONDS, TimeUnit.SECONDS));
            assertThat(end).as("the running task's end").isInstanceOfAny(ExecutionException.class,
                    CancellationException.class);
            if (end instanceof ExecutionException) {
                assertThat(end.getCause()).isInstanceOf(WorkerCrashedException.class);
            }
            assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            // The worker JVM is gone: its handle, if the pid is still known, reaches its end.
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(BOUND_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("worker pid " + pid + " did not end", e);
                }
                assertThat(h.isAlive()).isFalse();
            });
            assertThat(queued).as("no queued task was run by the pool").noneMatch(CompletableFuture::isDone);

            // As documented, what shutdownNow hands back runs here and completes the tasks' own futures:
            // each future gets its own value, so every queued task came back, none in place of another.
            notStarted.forEach(Runnable::run);
            for (int i = 0; i < QUEUED; i++) {
                assertThat(queued.get(i).get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(i);
            }
        } finally {
            pool.close();
        }
    }
}
