package dev.safespawn.pool;

import dev.safespawn.Spawner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands a pool's tasks to its workers: one queue, and one dispatcher thread
 * per worker slot that takes tasks from it, runs each in the slot's worker,
 * enforces the task timeout, and starts, retires and replaces the worker.
 * {@link ProcessPool} is the {@code ExecutorService} in front of it.
 *
 * <p>Thread-safe. Submission, shutdown and each dispatcher's hand-over of a
 * task are ordered by one lock, so no task is accepted after the dispatchers
 * were told to stop, and {@link #shutdownNow()} sees every task a dispatcher
 * took but has not begun. The last dispatcher to end stops the timer and
 * closes the spawner if the pool owns it.
 */
final class Dispatcher {
    private static final PoolTask<?> STOP = PoolTask.of((SerializableCallable<Object>) () -> null);

    private final PoolConfig config;
    private final Spawner spawner;
    private final boolean ownsSpawner;
    private final Standby standby;        // null: none
    private final boolean ownsStandby;
    private final WorkerNames names = new WorkerNames();
    private final BlockingQueue<PoolTask<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger dispatching;  // the last dispatcher to end cleans up, then opens the latch
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final Object lifecycle = new Object();
    private final PoolTask<?>[] claimed; // guarded by lifecycle: taken, not yet begun
    private final Worker[] running;      // guarded by lifecycle: the worker running a task
    private final Worker[] starting;     // guarded by lifecycle: the worker started, not yet greeted
    private boolean shutdown;            // guarded by lifecycle
    private boolean stopNow;             // guarded by lifecycle
    private WorkerInitializerException broken; // guarded by lifecycle: the initializer's first failure

    private Dispatcher(PoolConfig config, Spawner spawner, boolean ownsSpawner, Standby shared) {
        this.config = config;
        this.spawner = spawner;
        this.ownsSpawner = ownsSpawner;
        this.ownsStandby = shared == null && config.standby() > 0;
        this.standby = ownsStandby ? Standby.start(config, spawner, config.standby(), names::next) : shared;
        this.running = new Worker[config.workers()];
        this.starting = new Worker[config.workers()];
        this.claimed = new PoolTask<?>[config.workers()];
        this.dispatching = new AtomicInteger(config.workers());
        this.timer = config.taskTimeout().isPresent() ? newTimer() : null;
    }

    /**
     * A dispatcher whose threads run from now on; with {@code ownsSpawner} it
     * closes the spawner at the end. It keeps {@link PoolConfig#standby()}
     * workers of its own ready, and retires them at the end.
     */
    static Dispatcher start(PoolConfig config, Spawner spawner, boolean ownsSpawner) {
        return start(new Dispatcher(config, spawner, ownsSpawner, null));
    }

    /** A dispatcher that takes its workers from {@code shared} when it has one ready, and leaves it open. */
    static Dispatcher start(PoolConfig config, Spawner spawner, Standby shared) {
        return start(new Dispatcher(config, spawner, false, shared));
    }

    private static Dispatcher start(Dispatcher d) {
        PoolConfig config = d.config;
        for (int i = 0; i < config.workers(); i++) {
            int slot = i;
            Thread t = new Thread(() -> d.dispatch(slot), "safespawn-pool-dispatcher-" + i);
            t.setDaemon(true);
            t.start();
        }
        return d;
    }

    private static ScheduledExecutorService newTimer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "safespawn-pool-timeouts");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    // One dispatcher per worker slot: takes tasks, runs them in its worker, replaces the worker when needed.
    private void dispatch(int slot) {
        Worker worker = null;
        try {
            if (config.prestart()) {
                worker = startOrNull(slot);
            }
            while (true) {
                PoolTask<?> task = queue.take();
                if (task == STOP) {
                    break;
                }
                WorkerInitializerException brokenBy;
                synchronized (lifecycle) {
                    if (stopNow) {
                        task.cancel(false); // taken just as shutdownNow() drained the queue: stopped, not lost
                        continue;
                    }
                    brokenBy = broken;
                    if (brokenBy == null) {
                        claimed[slot] = task;
                    }
                }
                if (brokenBy != null) {
                    task.fail(brokenBy); // taken just as the pool broke: no worker is started for it
                    continue;
                }
                if (worker == null) {
                    try {
                        worker = startWorker(slot);
                    } catch (WorkerInitializerException e) {
                        if (unclaim(slot, task, null)) {
                            task.fail(e);
                        }
                        breakPool(e);
                        continue;
                    } catch (Throwable e) {
                        if (unclaim(slot, task, null)) {
                            task.fail(e);
                        }
                        continue;
                    }
                }
                Worker w = worker;
                if (!unclaim(slot, task, w)) {
                    continue; // handed back by shutdownNow()
                }
                boolean begun = task.begin(w::kill);
                boolean reusable = !begun || runOne(slot, w, task);
                // A cancel that raced with the task's end may be killing w: then it takes no other task.
                worker = task.end() && reusable ? w : discard(w);
                if (!begun) {
                    continue; // cancelled while queued
                }
                if (worker != null && spent(worker)) {
                    worker = discard(worker);
                }
                releaseStandby(w); // only now: a replacement booting would have slowed this task and this discard
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (worker != null) {
                worker.retire();
                releaseStandby(worker);
            }
            if (dispatching.decrementAndGet() == 0) {
                if (timer != null) {
                    timer.shutdownNow();
                }
                if (ownsStandby) {
                    standby.close();
                }
                if (ownsSpawner) {
                    spawner.close();
                }
                terminated.countDown();
            }
        }
    }

    /**
     * Ends the dispatcher's claim on {@code task} and, if it still has it and
     * the pool is not stopping, records {@code worker} as running it.
     */
    private boolean unclaim(int slot, PoolTask<?> task, Worker worker) {
        synchronized (lifecycle) {
            if (claimed[slot] != task) {
                return false; // shutdownNow() handed it back to its caller
            }
            if (stopNow) {
                claimed[slot] = null;
                task.cancel(false);
                return false;
            }
            claimed[slot] = null;
            running[slot] = worker;
            return true;
        }
    }

    /** Whether {@code worker} has run as many tasks as a worker may ({@link PoolConfig#maxTasksPerWorker()}). */
    private boolean spent(Worker worker) {
        return config.maxTasksPerWorker() > 0 && worker.tasksRun() >= config.maxTasksPerWorker();
    }

    /** Lets the standby workers replace {@code worker} if it was taken from them: see {@link Standby#release}. */
    private void releaseStandby(Worker worker) {
        if (standby != null) {
            standby.release(worker);
        }
    }

    private static Worker discard(Worker worker) {
        worker.kill();
        worker.retire();
        return null;
    }

    private static final int RUNNING = 0;
    private static final int FINISHED = 1;
    private static final int TIMED_OUT = 2;

    /** Runs a task; returns whether the worker can take another. */
    private boolean runOne(int slot, Worker worker, PoolTask<?> task) {
        // The task finishing and the timer firing race for this state: exactly one wins.
        AtomicInteger state = new AtomicInteger(RUNNING);
        ScheduledFuture<?> deadline = config.taskTimeout().map(d -> timer.schedule(() -> {
            if (state.compareAndSet(RUNNING, TIMED_OUT)) {
                worker.kill();
            }
        }, d.toNanos(), TimeUnit.NANOSECONDS)).orElse(null);
        try {
            Messages.Result r = worker.run(Messages.Task.of(ids.incrementAndGet(), task.remote(), worker.jdkByName()));
            if (!state.compareAndSet(RUNNING, FINISHED)) {
                task.fail(timeout(worker)); // answered as the timer fired: the worker is being killed
                return false;
            }
            if (spent(worker)) {
                // Its end is milliseconds of the kernel's: begun now, they pass while the caller wakes up.
                worker.kill();
            }
            if (r.failure() != null) {
                task.fail(r.failure());
            } else {
                task.succeed(r.value());
            }
            return true;
        } catch (WorkerCrashedException e) {
            task.fail(state.compareAndSet(RUNNING, FINISHED) ? e : timeout(worker));
            return false;
        } catch (Throwable e) {
            // The task or its result could not be (de)serialized, down to a
            // StackOverflowError on a too-deep graph: only this task fails.
            task.fail(e);
            return state.compareAndSet(RUNNING, FINISHED);
        } finally {
            synchronized (lifecycle) {
                running[slot] = null;
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    private TimeoutException timeout(Worker worker) {
        return new TimeoutException("the task ran longer than " + config.taskTimeout().orElseThrow()
                + "; its worker (" + worker.name() + ") was killed");
    }

    /**
     * The initializer failed: fails every task not yet begun with {@code e}
     * and stops the dispatchers, rather than start worker after worker whose
     * initializer fails again. Tasks running on other workers finish.
     */
    private void breakPool(WorkerInitializerException e) {
        List<PoolTask<?>> notBegun = new ArrayList<>();
        synchronized (lifecycle) {
            if (broken == null) {
                broken = e;
            }
            shutdown = true;
            queue.drainTo(notBegun);
            notBegun.removeIf(t -> t == STOP);
            for (int i = 0; i < claimed.length; i++) {
                if (claimed[i] != null) {
                    notBegun.add(claimed[i]); // its dispatcher finds it unclaimed and leaves it
                    claimed[i] = null;
                }
            }
            stopDispatchers(); // the drain may have taken those of an earlier shutdown()
        }
        // Outside the lock: completing a task runs its callbacks.
        notBegun.forEach(t -> t.fail(broken()));
    }

    private WorkerInitializerException broken() {
        synchronized (lifecycle) {
            return broken;
        }
    }

    /** A standby worker if one is ready, else a worker started now. */
    private Worker startWorker(int slot) throws java.io.IOException, WorkerInitializerException {
        Worker ready = standby == null ? null : standby.take();
        if (ready != null) {
            return ready;
        }
        try {
            return Worker.start(config, spawner, names.next(), false, w -> {
                synchronized (lifecycle) {
                    if (stopNow) {
                        w.kill(); // its start then fails, and it is reaped
                    } else {
                        starting[slot] = w; // shutdownNow() kills it if it never greets
                    }
                }
            });
        } finally {
            synchronized (lifecycle) {
                starting[slot] = null;
            }
        }
    }


    private Worker startOrNull(int slot) {
        try {
            return startWorker(slot);
        } catch (WorkerInitializerException e) {
            breakPool(e);
            return null;
        } catch (Exception e) {
            return null; // the first task on this slot retries and reports the failure
        }
    }

    /** Where its workers come from when one is ready; null if none are kept. */
    Standby standby() {
        return standby;
    }

    /** How many workers, so dispatcher threads, the pool has. */
    int workers() {
        return config.workers();
    }

    /**
     * Queues {@code task} for the next free dispatcher.
     *
     * @throws RejectedExecutionException after {@link #shutdown()}, or once the initializer failed
     */
    <T> PoolTask<T> enqueue(PoolTask<T> task) {
        synchronized (lifecycle) {
            if (broken != null) {
                throw new RejectedExecutionException("the process pool is broken: " + broken.getMessage(), broken);
            }
            if (shutdown) {
                throw new RejectedExecutionException("the process pool is shut down");
            }
            queue.add(task);
        }
        return task;
    }

    /** Accepts no more tasks; the queued ones still run, then the dispatchers end. Idempotent. */
    void shutdown() {
        synchronized (lifecycle) {
            if (!shutdown) {
                shutdown = true;
                stopDispatchers();
            }
        }
    }

    /**
     * Kills every worker (their tasks fail) and returns the tasks that had not
     * started, including any a dispatcher had taken while its worker started.
     */
    List<Runnable> shutdownNow() {
        List<Runnable> notStarted = new ArrayList<>();
        synchronized (lifecycle) {
            shutdown = true;
            stopNow = true;
            List<PoolTask<?>> drained = new ArrayList<>();
            queue.drainTo(drained);
            drained.stream().filter(t -> t != STOP).forEach(notStarted::add);
            for (int i = 0; i < claimed.length; i++) {
                if (claimed[i] != null) {
                    notStarted.add(claimed[i]);
                    claimed[i] = null;
                }
                if (running[i] != null) {
                    running[i].kill();
                }
                if (starting[i] != null) {
                    starting[i].kill(); // may never greet (hung in its initializer, say)
                }
            }
            stopDispatchers(); // the drain may have taken earlier STOP markers; spare ones are harmless
        }
        return notStarted;
    }

    private void stopDispatchers() {
        for (int i = 0; i < claimed.length; i++) {
            queue.add(STOP);
        }
    }

    boolean isShutdown() {
        synchronized (lifecycle) {
            return shutdown;
        }
    }

    /** Whether every dispatcher has ended, its worker retired, and the standby workers and spawner it owns are closed. */
    boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    /** Waits, however long it takes, until {@link #isTerminated()}. */
    void awaitTermination() throws InterruptedException {
        terminated.await();
    }
}
