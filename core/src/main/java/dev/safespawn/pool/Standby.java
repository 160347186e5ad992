package dev.safespawn.pool;

import dev.safespawn.Spawner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Worker JVMs started ahead of need: booted, greeted (initializer run) and
 * warmed up, but they have run no task, so taking one gives a fresh process
 * without paying for a JVM start. One refill thread replaces each one taken,
 * in the background, once the task it was taken for has ended ({@link
 * #release(Worker)}) or {@link #HOLD_LIMIT} after the take, whichever comes
 * first: a JVM booting takes a whole CPU for a tenth of a second, and on a
 * machine of few CPUs it slowed the very task the standby worker was there to
 * speed up (a standby {@code Subprocess.call}: 20 ms with the replacement
 * started at the take, 13 ms with it held; FINDINGS.md). The JVM counterpart
 * of the zygote's standby children.
 *
 * <p>A start that fails (a missing java, an initializer that throws) stops
 * the refilling until the next {@link #take()}, so a broken setting costs one
 * start per use, not a loop of starts; whoever gets no worker from
 * {@code take} starts one itself and sees the failure first hand.
 *
 * <p>Thread-safe. Workers left standing when it is closed are retired (their
 * channel closed, so they halt) and reaped.
 */
final class Standby implements AutoCloseable {
    /**
     * How long a replacement waits at most for the task its taken worker was
     * taken for: a long task should not leave the standby workers short for
     * its whole run.
     */
    static final Duration HOLD_LIMIT = Duration.ofSeconds(5);

    private final PoolConfig config;
    private final Spawner spawner;
    private final int count;
    private final Supplier<String> names;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Worker> ready = new ArrayDeque<>(); // guarded by lock
    private Exception failure;                                // guarded by lock: why the last start failed, if it did
    private boolean closed;                                   // guarded by lock
    private Worker starting;                                  // guarded by lock: started, not yet greeted
    private Worker held;                                      // guarded by lock: the latest taken, its task not ended
    private long holdEnds;                                    // guarded by lock: nanoTime when the hold lapses
    private final Thread refill;

    private Standby(PoolConfig config, Spawner spawner, int count, Supplier<String> names) {
        this.config = config;
        this.spawner = spawner;
        this.count = count;
        this.names = names;
        this.refill = new Thread(this::refill, "safespawn-pool-standby");
        refill.setDaemon(true);
    }

    /**
     * Starts keeping {@code count} workers ready.
     *
     * @param count how many, at least 1
     * @param names the name of each worker it starts
     */
    static Standby start(PoolConfig config, Spawner spawner, int count, Supplier<String> names) {
        Standby s = new Standby(config, spawner, count, names);
        s.refill.start();
        return s;
    }

    /**
     * A ready worker, at once, or null if none is ready yet. Either way the
     * refill thread goes on (again) starting the ones missing, but not before
     * the worker taken is {@linkplain #release(Worker) released} or
     * {@link #HOLD_LIMIT} has passed. One that died while it stood by (killed
     * from outside) is reaped, not handed out.
     */
    Worker take() {
        while (true) {
            Worker w;
            lock.lock();
            try {
                failure = null;
                w = ready.pollFirst();
                if (w != null) {
                    held = w;
                    holdEnds = System.nanoTime() + HOLD_LIMIT.toNanos();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (w == null || w.isAlive()) {
                return w;
            }
            release(w);
            w.retire();
        }
    }

    /**
     * Says that the task {@code w} was taken for has ended (and, if it ran
     * only that one, that it has been retired), so its replacement may start
     * now. Does nothing for a worker not held.
     */
    void release(Worker w) {
        lock.lock();
        try {
            if (held == w) {
                held = null;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void refill() {
        while (true) {
            lock.lock();
            try {
                while (!closed && (failure != null || ready.size() >= count || holding())) {
                    if (failure == null && ready.size() < count) { // only the hold: it lapses by itself
                        try {
                            changed.awaitNanos(holdEnds - System.nanoTime());
                        } catch (InterruptedException notSent) {
                            // this thread is the Standby's own, and nothing interrupts it: closing signals
                        }
                    } else {
                        changed.awaitUninterruptibly();
                    }
                }
                if (closed) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            Worker started = null;
            Exception failed = null;
            try {
                started = Worker.start(config, spawner, names.get(), true, this::spawned);
            } catch (Exception e) {
                failed = e; // also met by whoever starts a worker itself for want of this one
            }
            boolean kept;
            lock.lock();
            try {
                starting = null;
                kept = started != null && !closed;
                if (kept) {
                    ready.addLast(started);
                } else if (started == null) {
                    failure = failed;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (started != null && !kept) {
                started.retire(); // closed while it started
                return;
            }
        }
    }

    /** Whether a replacement still waits for a taken worker's task; ends a lapsed hold. Called under the lock. */
    private boolean holding() {
        if (held != null && System.nanoTime() - holdEnds >= 0) {
            held = null;
        }
        return held != null;
    }

    /** Records the worker being started, so closing kills it should it never greet; kills it if closed already. */
    private void spawned(Worker w) {
        lock.lock();
        try {
            if (closed) {
                w.kill();
            } else {
                starting = w;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every standby worker is ready, or one failed to start.
     *
     * @return why the last start failed, or null if all are ready
     * @throws IllegalStateException if it was closed
     */
    Exception awaitReady() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && failure == null && ready.size() < count) {
                changed.await();
            }
            if (closed) {
                throw new IllegalStateException("the standby workers were retired");
            }
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops refilling and retires the workers standing ready, and kills one
     * being started; waits until they have ended, so none outlives its pool.
     */
    @Override
    public void close() {
        Deque<Worker> standing;
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            if (starting != null) {
                starting.kill(); // it may never greet; the refill thread then reaps it
            }
            standing = new ArrayDeque<>(ready);
            ready.clear();
        } finally {
            lock.unlock();
        }
        standing.forEach(Worker::retire);
        boolean interrupted = false;
        while (true) {
            try {
                refill.join(); // it retires a worker it was starting, then ends
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
