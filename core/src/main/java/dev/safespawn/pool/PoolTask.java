package dev.safespawn.pool;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A submitted task and its future. The pool runs it in a worker; {@link #run()}
 * runs it here instead, for tasks handed back by {@code shutdownNow()}.
 * Cancelling it while a worker runs it (with interruption) kills that worker.
 *
 * <p>Its state decides, once, between a cancel that kills the worker and the
 * dispatcher taking the worker back for another task ({@link #end()}): so a
 * cancel that comes as the task finishes never kills the worker that has
 * moved on to the next task.
 */
final class PoolTask<T> implements RunnableFuture<T> {
    private final Callable<?> remote;
    private final boolean fixedResult;
    private final T result;
    private final CompletableFuture<T> outcome = new CompletableFuture<>();
    private static final int NEW = 0;
    private static final int STARTED = 1;  // a worker may be running it: a cancel with interruption kills it
    private static final int KILLING = 2;  // a cancel is killing its worker
    private static final int ENDED = 3;    // its worker no longer runs it, or never did
    private final AtomicInteger state = new AtomicInteger(NEW);
    private volatile Runnable killer;

    private PoolTask(Callable<?> remote, boolean fixedResult, T result) {
        this.remote = remote;
        this.fixedResult = fixedResult;
        this.result = result;
    }

    static <T> PoolTask<T> of(Callable<T> callable) {
        return new PoolTask<>(requireSerializable(callable), false, null);
    }

    static <T> PoolTask<T> of(Runnable runnable, T result) {
        requireSerializable(runnable);
        SerializableCallable<Object> call = () -> {
            runnable.run();
            return null;
        };
        return new PoolTask<>(call, true, result);
    }

    private static <X> X requireSerializable(X task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (!(task instanceof java.io.Serializable)) {
            throw new IllegalArgumentException("a ProcessPool task must be Serializable to reach a worker JVM: "
                    + task.getClass().getName() + " is not; declare the lambda as SerializableCallable or"
                    + " SerializableRunnable");
        }
        return task;
    }

    Callable<?> remote() {
        return remote;
    }

    CompletableFuture<T> completion() {
        return outcome;
    }

    /**
     * Marks the task started; false if it was cancelled or already started.
     * Whatever it returns, the dispatcher calls {@link #end()} before it
     * gives the worker another task.
     */
    boolean begin(Runnable killWorker) {
        killer = killWorker;
        // Started first, then checked: a cancel after this point sees started and kills the worker.
        return state.compareAndSet(NEW, STARTED) && !outcome.isDone();
    }

    /**
     * Closes the window in which a cancel kills the worker.
     *
     * @return false if a cancel is killing the worker, which then must not take another task
     */
    boolean end() {
        if (state.compareAndSet(STARTED, ENDED) || state.compareAndSet(NEW, ENDED)) {
            return true;
        }
        return state.get() != KILLING;
    }

    @SuppressWarnings("unchecked")
    void succeed(Object value) {
        outcome.complete(fixedResult ? result : (T) value);
    }

    void fail(Throwable cause) {
        outcome.completeExceptionally(cause);
    }

    @Override
    public void run() {
        if (!outcome.isDone() && state.compareAndSet(NEW, ENDED)) {
            try {
                succeed(remote.call());
            } catch (Throwable t) {
                fail(t);
            }
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = outcome.cancel(mayInterruptIfRunning);
        if (cancelled && mayInterruptIfRunning && state.compareAndSet(STARTED, KILLING)) {
            killer.run();
        }
        return cancelled;
    }

    @Override
    public boolean isCancelled() {
        return outcome.isCancelled();
    }

    @Override
    public boolean isDone() {
        return outcome.isDone();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return outcome.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return outcome.get(timeout, unit);
    }
}
