package dev.safespawn.strategies.pool;

import static dev.safespawn.strategies.pool.PoolTesting.BOUND_SECONDS;
import static dev.safespawn.strategies.pool.PoolTesting.failureOf;
import static dev.safespawn.strategies.pool.PoolTesting.quiet;
import static dev.safespawn.strategies.pool.PoolTesting.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.tasks.FilteredTasks;
import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.WorkerCrashedException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Builder.serialFilter: an allow-list for what both sides deserialize. */
class PoolSerialFilterTest {
    @Test
    void aTaskTheWorkersFilterRejectsEndsThatWorkerWithCode70AndThePoolShutsDownCleanly() throws Exception {
        ProcessPool closed;
        try (ProcessPool pool = quiet().workers(1).serialFilter("java.base/*;!*").build()) {
            for (int attempt = 0; attempt < 2; attempt++) { // a fresh worker each time, with the same fate
                Throwable failure = failureOf(pool.submit(FilteredTasks.answer()));

                assertThat(failure).isInstanceOf(WorkerCrashedException.class).hasMessageContaining("exited with code 70");
                assertThat(((WorkerCrashedException) failure).exitStatus().code()).isEqualTo(70);
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            closed = pool;
        }
        assertThat(closed.isTerminated()).isTrue();
    }

    @Test
    void anAllowListNamingThePoolsAndTheTasksPackagesRunsTasks() throws Exception {
        try (ProcessPool pool = quiet().workers(1)
                .serialFilter("java.base/*;dev.safespawn.pool.*;com.example.tasks.*").build()) {
            assertThat(valueOf(pool.submit(FilteredTasks.answer()))).isEqualTo(42);
        }
    }

    /**
     * Was a bug, now fixed: the documented form of an allow-list ("java.base/*;com.example.tasks.*")
     * rejects the pool's own message classes (dev.safespawn.pool.Messages$Task
     * in the worker, Messages$Result in the pool), so every task ends its
     * worker with code 70. Frames.filter should allow the channel's own
     * classes before consulting the user's pattern.
     */
    @Test
    void theDocumentedAllowListFormRunsTasksFromTheAllowedPackage() throws Exception {
        try (ProcessPool pool = quiet().workers(1).serialFilter("java.base/*;com.example.tasks.*").build()) {
            assertThat(valueOf(pool.submit(FilteredTasks.answer()))).isEqualTo(42);
        }
    }
}
