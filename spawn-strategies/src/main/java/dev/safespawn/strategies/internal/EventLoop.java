package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.safespawn.internal.Errno;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The library's one event loop: a daemon thread in {@code epoll_wait} that
 * runs a handler when a watched descriptor is ready. It serves the
 * {@link Reaper} (children's pidfds) and virtual threads parked until a pipe
 * is ready ({@link ReadinessWait}). The thread starts with the first
 * registration and leaves at the end of a five-second wait that finds none,
 * up to five seconds after the last ends (the next one starts it again); the
 * epoll descriptor lives as long as the JVM, close-on-exec.
 *
 * <p>A registration is a key, a number never reused, that an event carries
 * back in {@code epoll_data}: a late event for a registration already
 * removed finds no handler and is dropped, never run for a stranger.
 *
 * <p>Other threads hand work to the loop's thread with {@link #execute}: an
 * eventfd, under the reserved key 0, wakes the loop to run it. A handler or
 * task that throws is logged and the loop goes on.
 */
final class EventLoop {
    /** Runs on the loop's thread; must not block. */
    interface Handler {
        /** {@code scratch} is the loop's {@link LibC#SIGINFO_T_SIZE} bytes of native memory. */
        void ready(Pointer scratch);
    }

    static final EventLoop INSTANCE = new EventLoop();

    private static final int IDLE_MILLIS = 5_000;
    private static final int MAX_EVENTS = 64;
    // struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16).
    private static final int EVENT_SIZE = Platform.isIntel() ? 12 : 16;
    private static final int EVENT_DATA_OFFSET = Platform.isIntel() ? 4 : 8;

    private static final long TASKS_KEY = 0; // registrations count from 1
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    private final Map<Long, Handler> handlers = new ConcurrentHashMap<>();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicLong keys = new AtomicLong();
    private int epfd = -1; // guarded by this
    private int taskFd = -1; // guarded by this: the eventfd execute() writes to
    private Thread thread; // guarded by this

    private EventLoop() {
    }

    /** Registers {@code handler}, starting the loop's thread if needed; watch a descriptor for it with {@link #watch}. */
    long register(Handler handler) {
        long key = keys.incrementAndGet();
        handlers.put(key, handler);
        try {
            ensureRunning();
        } catch (RuntimeException | Error e) { // OutOfMemoryError: no thread could be made
            handlers.remove(key);
            throw e;
        }
        return key;
    }

    /**
     * Runs {@code task} on the loop's thread, soon, after the tasks handed
     * over before it. It must not block.
     */
    void execute(Runnable task) {
        tasks.add(task); // before ensureRunning(): a thread about to leave for idleness sees it and stays
        ensureRunning();
        wake();
    }

    /** Makes the epoll set and starts the thread if needed; returns the task eventfd. */
    private synchronized int ensureRunning() {
        if (epfd < 0) {
            epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
            taskFd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
            control(LibC.EPOLL_CTL_ADD, TASKS_KEY, taskFd, LibC.EPOLLIN);
        }
        if (thread == null) {
            // Named for its first job: the thread-leak checks and tools already know it.
            Thread t = LibraryThreads.daemon(this::run, "safespawn-reaper");
            t.start(); // may fail: thread stays null, so the next call starts one
            thread = t;
        }
        return taskFd;
    }

    /**
     * Forgets a registration; stop watching its descriptor first ({@link #unwatch}).
     * The loop is not woken, even for the last one: it waits with the idle
     * timeout always, and leaves at the first timeout that finds nothing
     * registered. Waking it here would cost a wake-up of another thread,
     * often on another CPU, on every run whose caller reaped its own child.
     */
    void unregister(long key) {
        handlers.remove(key);
    }

    /** Makes the loop's {@code epoll_wait} return, if the loop has been set up. */
    private void wake() {
        int fd = taskFd();
        if (fd >= 0) {
            WakeFd.post(fd);
        }
    }

    /**
     * Adds {@code fd} to the epoll set for {@code events} ({@code EPOLLIN},
     * {@code EPOLLOUT}, optionally {@code EPOLLONESHOT}); ready events run the
     * handler of {@code key}. A descriptor is watched for one key at a time.
     *
     * @throws LastErrorException if the kernel refuses (out of memory, or
     *         over {@code max_user_watches})
     */
    void watch(long key, int fd, int events) {
        control(LibC.EPOLL_CTL_ADD, key, fd, events);
    }

    /**
     * Watches {@code fd}, already in the set for {@code key} and disabled by
     * its {@code EPOLLONESHOT} event, again for {@code events}.
     *
     * @throws LastErrorException as {@link #watch}
     */
    void rewatch(long key, int fd, int events) {
        control(LibC.EPOLL_CTL_MOD, key, fd, events);
    }

    private void control(int op, long key, int fd, int events) {
        try (Memory ev = new Memory(16)) {
            ev.clear();
            ev.setInt(0, events);
            ev.setLong(EVENT_DATA_OFFSET, key);
            LibC.epoll_ctl(epfd(), op, fd, ev);
        }
    }

    /** Takes {@code fd} out of the epoll set; no handler runs for it after this returns, except one already running. */
    void unwatch(int fd) {
        try {
            LibC.epoll_ctl(epfd(), LibC.EPOLL_CTL_DEL, fd, null);
        } catch (LastErrorException ignored) {
            // not in the set (closing a descriptor takes it out anyway)
        }
    }

    /** Resets the task eventfd, then runs what is queued (tasks queued meanwhile write it again). */
    private void runTasks(Pointer scratch) {
        try {
            LibC.read(taskFd(), scratch, 8);
        } catch (LastErrorException ignored) {
            // EAGAIN: another wake-up already reset it
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
            runSafely(task);
        }
    }

    private static void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "safespawn's event loop caught an exception and goes on", e);
        }
    }

    private synchronized int taskFd() {
        return taskFd;
    }

    private synchronized int epfd() {
        return epfd;
    }

    private void run() {
        int ep = epfd();
        try (Memory events = new Memory((long) EVENT_SIZE * MAX_EVENTS);
             Memory scratch = new Memory(LibC.SIGINFO_T_SIZE)) {
            while (true) {
                int n;
                try {
                    n = LibC.epoll_wait(ep, events, MAX_EVENTS, IDLE_MILLIS);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Errno.EINTR) {
                        continue;
                    }
                    throw e;
                }
                for (int i = 0; i < n; i++) {
                    long key = events.getLong((long) i * EVENT_SIZE + EVENT_DATA_OFFSET);
                    if (key == TASKS_KEY) {
                        runTasks(scratch);
                        continue;
                    }
                    Handler h = handlers.get(key);
                    if (h != null) {
                        runSafely(() -> h.ready(scratch));
                    }
                }
                if (n == 0) {
                    synchronized (this) {
                        if (handlers.isEmpty() && tasks.isEmpty()) {
                            thread = null;
                            return;
                        }
                    }
                }
            }
        }
    }
}
