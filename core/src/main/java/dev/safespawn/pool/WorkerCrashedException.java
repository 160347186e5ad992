package dev.safespawn.pool;

import dev.safespawn.ExitStatus;

/**
 * The worker JVM running a task ended before answering: {@code System.exit},
 * {@code Runtime.halt}, a crash, a signal, or {@code OutOfMemoryError} (workers
 * run with {@code -XX:+ExitOnOutOfMemoryError}). Only that task fails; the pool
 * starts a new worker. Arrives as the cause of an
 * {@link java.util.concurrent.ExecutionException}.
 *
 * <p>Created by the pool only. Immutable once thrown, so safe to share
 * between threads; {@link #exitStatus()} is never null.
 */
public final class WorkerCrashedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** How the worker ended. */
    private final ExitStatus status;

    WorkerCrashedException(String worker, ExitStatus status) {
        super(worker + " died while running the task: " + status);
        this.status = status;
    }

    /**
     * How the worker ended.
     *
     * @return the worker's end, never null; {@link ExitStatus#lost(String)}
     *         if it could not be observed
     */
    public ExitStatus exitStatus() {
        return status;
    }
}
