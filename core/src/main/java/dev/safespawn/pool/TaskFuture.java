package dev.safespawn.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link CompletableFuture} that {@code ProcessPool.submit} returns for a
 * {@link PoolTask}. It takes the task's outcome on a completion thread, never
 * on the dispatcher that finished the task: dependent stages registered before
 * completion run on the thread that completes this future, and a dispatcher
 * must not run a caller's code that may block. Cancelling it cancels the task
 * with the same semantics as {@link PoolTask#cancel(boolean)}.
 *
 * <p>Its queries ({@code isDone}, {@code get}, {@code join}, ...) read the
 * task's outcome as soon as the task has one, without waiting for the
 * hand-over, so a terminated pool's futures are all done, as an
 * {@code ExecutorService}'s must be; unless the caller completed this future
 * first, in which case they read that.
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

    @Override
    public boolean isDone() {
        return super.isDone() || task.completion().isDone();
    }

    @Override
    public boolean isCancelled() {
        return super.isDone() ? super.isCancelled() : task.completion().isCancelled();
    }

    @Override
    public boolean isCompletedExceptionally() {
        return super.isDone() ? super.isCompletedExceptionally() : task.completion().isCompletedExceptionally();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return super.isDone() ? super.get() : task.completion().get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return super.isDone() ? super.get(timeout, unit) : task.completion().get(timeout, unit);
    }

    @Override
    public T join() {
        return super.isDone() ? super.join() : task.completion().join();
    }

    @Override
    public T getNow(T valueIfAbsent) {
        return super.isDone() ? super.getNow(valueIfAbsent) : task.completion().getNow(valueIfAbsent);
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
