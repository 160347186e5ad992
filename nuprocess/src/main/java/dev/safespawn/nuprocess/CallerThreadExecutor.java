package dev.safespawn.nuprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Runs a child's callbacks on the thread that calls {@link #runUntil}, as
 * NuProcess's synchronous {@code run()} does, so that a handler may block
 * there without delaying other children. Once released, it runs whatever is
 * still submitted on the submitting thread: safespawn requires an executor to
 * run every task it accepts, also the few that follow the last callback
 * (a late {@code closeStdin} from another thread, say).
 */
final class CallerThreadExecutor implements Executor {
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private boolean released; // guarded by lock

    @Override
    public void execute(Runnable task) {
        lock.lock();
        try {
            if (!released) {
                queue.add(task);
                return;
            }
        } finally {
            lock.unlock();
        }
        task.run();
    }

    /**
     * Runs submitted tasks on this thread until {@code done} is true after
     * one of them, then releases. Not interruptible, like NuProcess's
     * {@code run()}: an interrupt is kept for the caller.
     */
    void runUntil(BooleanSupplier done) {
        boolean interrupted = false;
        try {
            while (!done.getAsBoolean()) {
                try {
                    queue.take().run();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            release();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void release() {
        List<Runnable> left = new ArrayList<>();
        lock.lock();
        try {
            released = true;
            queue.drainTo(left);
        } finally {
            lock.unlock();
        }
        left.forEach(Runnable::run);
    }
}
