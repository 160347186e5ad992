package dev.safespawn.pool;

import dev.safespawn.ExitStatus;

/**
 * The worker JVM running a task ended before answering: {@code System.exit},
 * {@code Runtime.halt}, a crash, a signal, or {@code OutOfMemoryError} (workers
 * run with {@code -XX:+ExitOnOutOfMemoryError}). Only that task fails; the pool
 * starts a new worker. Arrives as the cause of an
 * {@link java.util.concurrent.ExecutionException}. The message names the
 * cause: "out of memory" for the exit code of
 * {@code -XX:+ExitOnOutOfMemoryError} (3), the signal's name for a signal
 * ({@code killed by SIGKILL}), the exit code otherwise.
 *
 * <p>Created by the pool only. Immutable once thrown, so safe to share
 * between threads; {@link #exitStatus()} is never null.
 */
public final class WorkerCrashedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** How the worker ended. */
    private final ExitStatus status;

    /**
     * The code a JVM exits with when {@code -XX:+ExitOnOutOfMemoryError}
     * ends it, as workers run with. A task calling {@code System.exit(3)}
     * ends its worker with the same code; the message says so.
     */
    static final int OUT_OF_MEMORY_EXIT_CODE = 3;

    WorkerCrashedException(String worker, ExitStatus status) {
        super(worker + " died while running the task: " + cause(status));
        this.status = status;
    }

    /** The end in words that name its likely cause: out of memory, the signal, or the exit code. */
    private static String cause(ExitStatus status) {
        if (status.exited() && status.code() == OUT_OF_MEMORY_EXIT_CODE) {
            // The bare code would leave the reader to know the JVM's convention.
            return "out of memory (" + status + ", as -XX:+ExitOnOutOfMemoryError exits; or the task called"
                    + " System.exit(" + OUT_OF_MEMORY_EXIT_CODE + "))";
        }
        return status.toString(); // "killed by SIGKILL", "exited with code 1", "end not observed: ..."
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
