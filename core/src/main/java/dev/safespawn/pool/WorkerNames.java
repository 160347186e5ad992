package dev.safespawn.pool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names the workers one pool (or Subprocess's launcher) starts, {@code worker-0},
 * {@code worker-1}, ... in the order they start, so a worker's output and
 * failures tell apart a worker and the one that replaced it. Thread-safe.
 */
final class WorkerNames {
    private final AtomicInteger started = new AtomicInteger();

    String next() {
        return "worker-" + started.getAndIncrement();
    }
}
