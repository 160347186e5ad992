package dev.safespawn.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link CompletableFuture} that {@code ProcessPool.submit} returns for a
 * {@link PoolTask}. It takes the task's outcome on a completion thread, never
 * on the dispatcher that finished the task: dependent stages registered before
 * completion run on the thread that completes this future, and a dispatcher
 * must not run a caller's code that may block. Cancelling it cancels the task
 * with the same semantics as {@link PoolTask#cancel(boolean)}.
 *
 * <p>Thread-safe, as every {@code CompletableFuture}.
 */
final class TaskFuture<T> extends CompletableFuture<T> {
    /**
     * Where outcomes are handed over: a cached pool of daemon threads, so a
     * dependent stage that blocks delays only itself (a new thread serves the
     * next completion) and idle threads go away. Shared by every pool and
     * never shut down, because a task handed back by {@code shutdownNow()} may
     * be run, and so completed, long after its pool has terminated.
     */
    private static final Executor COMPLETIONS = completions();

    private final PoolTask<T> task;

    private TaskFuture(PoolTask<T> task) {
        this.task = task;
    }

    /** The caller's view of {@code task}, completed (off the dispatcher) when the task is. */
    static <T> TaskFuture<T> of(PoolTask<T> task) {
        TaskFuture<T> f = new TaskFuture<>(task);
        task.completion().whenComplete((value, failure) -> COMPLETIONS.execute(() -> {
            if (failure != null) {
                f.completeExceptionally(failure);
            } else {
                f.complete(value);
            }
        }));
        return f;
    }

    /**
     * Cancels the task as {@link PoolTask#cancel(boolean)} does (a queued task
     * never starts; a running one, with {@code mayInterruptIfRunning}, has its
     * worker killed) and, if that worked, this future at once.
     *
     * @return whether this future is now cancelled; false if the task had already completed
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (task.cancel(mayInterruptIfRunning)) {
            super.cancel(mayInterruptIfRunning);
            return true;
        }
        return isCancelled();
    }

    private static Executor completions() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "safespawn-pool-completion-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
