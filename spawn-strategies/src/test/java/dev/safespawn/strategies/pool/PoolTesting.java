package dev.safespawn.strategies.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.safespawn.pool.ProcessPool;
import dev.safespawn.testkit.ParentState;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** What the pool tests share: bounded waits, worker pids, pidfds. */
final class PoolTesting {
    /** The bound on any one wait; only a broken build ever reaches it. */
    static final long BOUND_SECONDS = 60;

    private PoolTesting() {
    }

    /** A builder whose workers' output is thrown away. */
    static ProcessPool.Builder quiet() {
        return ProcessPool.builder().output(ProcessPool.Output.discard());
    }

    /** The future's value, waiting at most {@link #BOUND_SECONDS}. */
    static <T> T valueOf(Future<T> future) throws Exception {
        return future.get(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    /** The cause of the {@link ExecutionException} the future ends with. */
    static Throwable failureOf(Future<?> future) {
        return failureOf(future, BOUND_SECONDS);
    }

    /** As {@link #failureOf(Future)}, waiting at most {@code seconds}. */
    static Throwable failureOf(Future<?> future, long seconds) {
        Throwable thrown = catchThrowable(() -> future.get(seconds, TimeUnit.SECONDS));
        assertThat(thrown).as("the future's outcome").isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    /** The pid of the worker that runs the pool's next task (with one worker: the pool's worker). */
    static long workerPid(ProcessPool pool) throws Exception {
        return valueOf(pool.submit(() -> ProcessHandle.current().pid()));
    }

    /** Runs in a worker: returns its own pid. */
    static long pid() {
        return ProcessHandle.current().pid();
    }

    static int pidfdOf(long pid) {
        return ParentState.pidfdOf(pid);
    }

    static boolean awaitExit(int pidfd, int timeoutMillis) {
        return ParentState.awaitExit(pidfd, timeoutMillis);
    }

    static void closeFd(int fd) {
        ParentState.close(fd);
    }
}
