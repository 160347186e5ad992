package dev.safespawn.pool;

/**
 * The pool's {@link ProcessPool.Builder#initializer worker initializer}
 * threw in a worker; the cause is what it threw, as itself. The pool is then
 * broken, as Python's {@code BrokenProcessPool}: rather than restart workers
 * whose initializer will fail again, it fails every task not yet begun with
 * this exception (the cause of their
 * {@link java.util.concurrent.ExecutionException}), refuses new tasks with a
 * {@link java.util.concurrent.RejectedExecutionException} whose cause it is,
 * and shuts down; tasks already running on other workers finish.
 *
 * <p>Created by the pool only. Immutable once thrown, so safe to share between threads.
 */
public final class WorkerInitializerException extends Exception {
    private static final long serialVersionUID = 1L;

    WorkerInitializerException(String worker, Throwable cause) {
        super("the worker initializer failed in " + worker + ", so the pool is broken: " + cause, cause);
    }
}
