package dev.safespawn.pool;

import java.util.concurrent.ExecutionException;

/**
 * One task in one fresh JVM: Python's {@code multiprocessing.Process} for a
 * function with a result. The JVM starts, runs the task, and exits.
 */
public final class Subprocess {
    private Subprocess() {
    }

    /**
     * Runs {@code task} in a new JVM with the pool defaults and returns its value.
     *
     * @throws ExecutionException with the task's exception, or a {@link WorkerCrashedException}, as cause
     */
    public static <T> T call(SerializableCallable<T> task) throws ExecutionException, InterruptedException {
        return call(task, ProcessPool.builder());
    }

    /**
     * As {@link #call(SerializableCallable)}, with the JVM set up by {@code options}
     * (its worker count and task limit are ignored; {@code options} is not changed).
     */
    public static <T> T call(SerializableCallable<T> task, ProcessPool.Builder options)
            throws ExecutionException, InterruptedException {
        try (ProcessPool pool = options.copy().workers(1).maxTasksPerWorker(1).build()) {
            return pool.submit(task).get();
        }
    }
}
