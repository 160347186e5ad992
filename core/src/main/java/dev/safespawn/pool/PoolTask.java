package dev.safespawn.pool;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A submitted task and its future. The pool runs it in a worker; {@link #run()}
 * runs it here instead, for tasks handed back by {@code shutdownNow()}.
 * Cancelling it while a worker runs it (with interruption) kills that worker.
 */
final class PoolTask<T> implements RunnableFuture<T> {
    private final Callable<?> remote;
    private final boolean fixedResult;
    private final T result;
    private final CompletableFuture<T> outcome = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
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

    /** Marks the task started; false if it was cancelled or already started. */
    boolean begin(Runnable killWorker) {
        killer = killWorker;
        // Started first, then checked: a cancel after this point sees started and kills the worker.
        return started.compareAndSet(false, true) && !outcome.isDone();
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
        if (!outcome.isDone() && started.compareAndSet(false, true)) {
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
        Runnable kill = killer;
        if (cancelled && mayInterruptIfRunning && started.get() && kill != null) {
            kill.run();
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
