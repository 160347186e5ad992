package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.safespawn.internal.Errno;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The library's one event loop: a daemon thread in {@code epoll_wait} that
 * runs a handler when a watched descriptor is ready. It serves the
 * {@link Reaper} (children's pidfds) and virtual threads parked until a pipe
 * is ready ({@link ReadinessWait}). The thread starts with the first
 * registration and leaves after five idle seconds with none (the next one
 * starts it again); the epoll descriptor lives as long as the JVM,
 * close-on-exec.
 *
 * <p>A registration is a key, a number never reused, that an event carries
 * back in {@code epoll_data}: a late event for a registration already
 * removed finds no handler and is dropped, never run for a stranger.
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

    private final Map<Long, Handler> handlers = new ConcurrentHashMap<>();
    private final AtomicLong keys = new AtomicLong();
    private int epfd = -1; // guarded by this
    private Thread thread; // guarded by this

    private EventLoop() {
    }

    /** Registers {@code handler}, starting the loop's thread if needed; watch a descriptor for it with {@link #watch}. */
    long register(Handler handler) {
        long key = keys.incrementAndGet();
        handlers.put(key, handler);
        synchronized (this) {
            if (epfd < 0) {
                epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
            }
            if (thread == null) {
                // Named for its first job: the thread-leak checks and tools already know it.
                thread = new Thread(this::run, "safespawn-reaper");
                thread.setDaemon(true);
                thread.start();
            }
        }
        return key;
    }

    /** Forgets a registration; stop watching its descriptor first ({@link #unwatch}). */
    void unregister(long key) {
        handlers.remove(key);
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
        try (Memory ev = new Memory(16)) {
            ev.clear();
            ev.setInt(0, events);
            ev.setLong(EVENT_DATA_OFFSET, key);
            LibC.epoll_ctl(epfd(), LibC.EPOLL_CTL_ADD, fd, ev);
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
                    n = LibC.epoll_wait(ep, events, MAX_EVENTS, handlers.isEmpty() ? IDLE_MILLIS : -1);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Errno.EINTR) {
                        continue;
                    }
                    throw e;
                }
                for (int i = 0; i < n; i++) {
                    Handler h = handlers.get(events.getLong((long) i * EVENT_SIZE + EVENT_DATA_OFFSET));
                    if (h != null) {
                        h.ready(scratch);
                    }
                }
                if (n == 0) {
                    synchronized (this) {
                        if (handlers.isEmpty()) {
                            thread = null;
                            return;
                        }
                    }
                }
            }
        }
    }
}
