package dev.safespawn.pool;

import java.util.concurrent.ExecutionException;

/**
 * One task in one fresh JVM: Python's {@code multiprocessing.Process} for a
 * function with a result. The JVM starts, runs the task, and exits.
 *
 * <p>Every call runs in a JVM that has run no task before, and returns once
 * that JVM has ended. The JVM is started for the call, or, if the options
 * ask for {@link ProcessPool.Builder#standby(int) standby} workers, taken
 * from those a process-wide launcher keeps started for equal settings (equal
 * options, the same initializer and spawner objects), which skips the JVM's
 * start: use one {@code Builder}, or equal ones, for calls that should share
 * them. Calls whose options name no spawner share one process-wide
 * {@link dev.safespawn.Spawner#create()}, made on first use and kept.
 *
 * <p>Thread-safe; concurrent calls each get their own JVM. Null
 * policy: a null task or options is rejected with {@link NullPointerException}.
 * Interrupting the caller does not stop the task: the call still waits until
 * the task's JVM has finished, then throws {@link InterruptedException}.
 */
public final class Subprocess {
    private Subprocess() {
    }

    /**
     * Runs {@code task} in a new JVM with the pool defaults and returns its value.
     *
     * @param <T> the task's result type
     * @param task the task; it and what it captures must be serializable
     * @return the task's value, as deserialized here; null if the task returned null
     * @throws NullPointerException if {@code task} is null
     * @throws ExecutionException with the task's exception, or a {@link WorkerCrashedException}, as cause
     * @throws InterruptedException if the calling thread was interrupted while
     *         waiting; thrown only once the task's JVM has finished
     * @throws IllegalStateException if no spawn strategy is available
     */
    public static <T> T call(SerializableCallable<T> task) throws ExecutionException, InterruptedException {
        return call(task, ProcessPool.builder());
    }

    /**
     * As {@link #call(SerializableCallable)}, with the JVM set up by {@code options}
     * (its worker count and task limit are ignored; {@code options} is not changed).
     *
     * @param <T> the task's result type
     * @param task the task; it and what it captures must be serializable
     * @param options the settings for the JVM: its java, class path, options,
     *        directory, environment, output, serial filter, initializer, task
     *        timeout, spawner and standby workers
     * @return the task's value, as deserialized here; null if the task returned null
     * @throws NullPointerException if {@code task} or {@code options} is null
     * @throws ExecutionException with the task's exception, a
     *         {@link WorkerCrashedException}, or (with a task timeout) a
     *         {@link java.util.concurrent.TimeoutException} as cause
     * @throws InterruptedException if the calling thread was interrupted while
     *         waiting; thrown only once the task's JVM has finished
     * @throws IllegalStateException if {@code options} names no spawner and no
     *         spawn strategy is available
     */
    public static <T> T call(SerializableCallable<T> task, ProcessPool.Builder options)
            throws ExecutionException, InterruptedException {
        try (ProcessPool pool = options.buildForOneTask()) {
            return pool.submit(task).get();
        }
    }

    /**
     * Starts the standby workers the process-wide launcher keeps for
     * {@code options}, unless it has them already, and waits until they are
     * ready: at a program's start, so that its first calls with equal
     * options already skip the JVM's start.
     *
     * @param options settings that keep {@link ProcessPool.Builder#standby(int) standby} workers
     * @throws NullPointerException if {@code options} is null
     * @throws IllegalArgumentException if {@code options} keep no standby workers
     * @throws ExecutionException if a standby worker failed to start; its cause
     *         says why (as a call with these options would find out)
     * @throws InterruptedException if the calling thread was interrupted while waiting
     * @throws IllegalStateException if {@code options} names no spawner and no
     *         spawn strategy is available
     */
    public static void prestart(ProcessPool.Builder options) throws ExecutionException, InterruptedException {
        Standby standby = options.oneTaskStandby();
        if (standby == null) {
            throw new IllegalArgumentException("standby: the options keep no standby workers; set standby(n) first");
        }
        Exception failure = standby.awaitReady();
        if (failure != null) {
            throw new ExecutionException("a standby worker did not start: " + failure.getMessage(), failure);
        }
    }
}
