package dev.safespawn.pool;

import java.util.concurrent.ExecutionException;

/**
 * One task in one fresh JVM: Python's {@code multiprocessing.Process} for a
 * function with a result. The JVM starts, runs the task, and exits.
 *
 * <p>Stateless and thread-safe: each call starts its own JVM (and, unless
 * the options name a spawner, its own {@link dev.safespawn.Spawner}). Null
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
     *        directory, environment, output, serial filter, task timeout and spawner
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
        try (ProcessPool pool = options.copy().workers(1).maxTasksPerWorker(1).build()) {
            return pool.submit(task).get();
        }
    }
}
