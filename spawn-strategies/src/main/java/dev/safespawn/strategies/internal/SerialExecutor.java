package dev.safespawn.strategies.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in the order given, on a user's executor: at
 * most one task of this queue is handed to it at a time, so a task sees
 * everything the tasks before it did. If the executor rejects a task the
 * queue moves, once and for good, to a fallback executor, and
 * {@code onRejected} is told first.
 */
final class SerialExecutor implements Executor {
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor fallback;
    private final Runnable onRejected;
    private volatile Executor base;

    SerialExecutor(Executor base, Executor fallback, Runnable onRejected) {
        this.base = base;
        this.fallback = fallback;
        this.onRejected = onRejected;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
        schedule();
    }

    private void schedule() {
        if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            base.execute(this::drain);
        } catch (RejectedExecutionException e) {
            base = fallback;
            onRejected.run();
            base.execute(this::drain);
        }
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = queue.poll()) != null) {
                task.run();
            }
        } finally {
            scheduled.set(false);
            schedule(); // a task queued after the last poll but before the flag was cleared
        }
    }
}
