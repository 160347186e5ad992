package dev.safespawn.strategies.forkexec;

import dev.safespawn.SpawnException;
import dev.safespawn.internal.Errno;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Launches children that must die with the JVM. Linux ties
 * {@code PR_SET_PDEATHSIG} to the thread that forked the child, not to the
 * process: a child forked by a pooled thread would be killed when that thread
 * retires. Such children are therefore forked by this one daemon thread, which
 * lives as long as the JVM once it has been started.
 */
final class ParentDeathThread {
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "safespawn-parent-death-spawner");
        t.setDaemon(true);
        return t;
    });

    private ParentDeathThread() {
    }

    interface Launch {
        int run() throws SpawnException;
    }

    static int run(Launch launch) throws SpawnException {
        Future<Integer> pid;
        try {
            // The executor starts its thread here, not in the static initializer; a
            // failed start leaves it without one, and the next launch tries again.
            pid = THREAD.submit(launch::run);
        } catch (OutOfMemoryError noThread) { // before the launch: no child exists yet
            SpawnException failure = new SpawnException(SpawnException.Stage.SPAWN, Errno.EAGAIN, null,
                    "cannot start the thread that launches children tied to the JVM's life: " + noThread);
            failure.initCause(noThread);
            throw failure;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return pid.get();
                } catch (InterruptedException e) {
                    // The launch cannot be abandoned half-way: the child may exist already.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SpawnException se) {
                throw se;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
