package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import dev.safespawn.internal.Errno;
import dev.safespawn.internal.VirtualThreads;
import java.io.IOException;

/**
 * One descriptor owned by the library, safe to close while other threads use it.
 *
 * <p>Closing a descriptor that another thread is blocked on is the classic
 * race: the blocked call may never wake, and once the number is closed the
 * kernel may hand it to someone else, so a late call would touch a stranger's
 * file. Here every use is bracketed by {@link #acquire()} / {@link #release()},
 * the number is closed only when the last user has left, and blocking waits go
 * through {@link #await}, which also watches a private {@link WakeFd} that
 * {@link #close()} signals (a virtual thread parks instead, and
 * {@link #close()} unparks it). The descriptor must be in non-blocking mode.
 *
 * <p>{@link #childExited()} wakes a waiter the same way without closing: the
 * waiter then reads what is left without waiting and lets the descriptor go
 * (see {@link FdInputStream}).
 */
public final class Descriptor {
    /** The size of one {@code struct pollfd}. */
    static final int POLLFD_SIZE = 8;
    /** Bytes of native scratch {@link #await} needs for its two {@code struct pollfd}. */
    static final int POLL_SCRATCH_SIZE = 2 * POLLFD_SIZE;

    private final int fd;
    private int users;
    private boolean closed;
    private volatile boolean childExited; // read without the monitor on every read's way out
    private boolean released;
    private WakeFd wake = WakeFd.NONE; // made by the first blocking wait that can make one
    private ReadinessWait parked; // a virtual thread's wait in progress

    Descriptor(int fd) {
        this.fd = fd;
    }

    /** The number, for one call; pair with {@link #release()}. */
    synchronized int acquire() throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
        users++;
        return fd;
    }

    synchronized void release() {
        users--;
        if (closed && users == 0) {
            free();
        }
    }

    /**
     * Waits until the descriptor is ready for {@code events} (POLLIN or POLLOUT,
     * including error and hang-up), {@link #close()} is called, or
     * {@link #childExited()} is or was called (the caller must then stop
     * waiting for more).
     * Must be called between {@link #acquire()} and {@link #release()};
     * {@code pfd} is the caller's {@link #POLL_SCRATCH_SIZE} bytes of native
     * memory for the poll set, so that a wait allocates nothing.
     *
     * @throws IOException "Stream closed" if closed meanwhile
     */
    void await(short events, Pointer pfd) throws IOException {
        if (VirtualThreads.isCurrent() && parkUntilReady(events)) {
            return;
        }
        if (!prepareWait(events, pfd, 0)) {
            return;
        }
        WakeFd w;
        synchronized (this) {
            w = wake;
        }
        try {
            // Without an eventfd, a slice ends the poll and the caller comes back; the
            // checks below and in prepareWait see what a wake-up would have said.
            LibC.poll(pfd, 2, w.timeout(-1));
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Errno.EINTR) {
                throw new IOException("poll: " + Errno.name(e.getErrorCode()) + " "
                        + Errno.message(e.getErrorCode()), e);
            }
        }
        synchronized (this) {
            if (closed) {
                throw new IOException("Stream closed");
            }
        }
    }

    /**
     * Sets up one descriptor's part of a {@code poll(2)}: at {@code slot} of
     * {@code pfds}, this descriptor for {@code events}, and at {@code slot + 1}
     * the {@link WakeFd} that {@link #close()} and {@link #childExited()}
     * write, so
     * a wait over several descriptors ends for either as {@link #await} does.
     * Must be called between {@link #acquire()} and {@link #release()}.
     *
     * @return false if the wait must not block: {@link #childExited()} was
     *         called (what is left is read without waiting)
     * @throws IOException "Stream closed" if closed meanwhile
     */
    boolean prepareWait(short events, Pointer pfds, int slot) throws IOException {
        WakeFd w;
        synchronized (this) {
            if (closed) {
                throw new IOException("Stream closed");
            }
            if (childExited) {
                return false;
            }
            if (wake == WakeFd.NONE) {
                wake = WakeFd.open(); // NONE again at a full table: the wait polls in slices
            }
            w = wake;
        }
        long at = (long) slot * POLLFD_SIZE;
        pfds.setInt(at, fd);
        pfds.setShort(at + 4, events);
        pfds.setShort(at + 6, (short) 0);
        pfds.setInt(at + POLLFD_SIZE, w.fd);
        pfds.setShort(at + POLLFD_SIZE + 4, LibC.POLLIN);
        pfds.setShort(at + POLLFD_SIZE + 6, (short) 0);
        return true;
    }

    /**
     * {@link #await} for a virtual thread: parks while the event loop waits.
     * One thread at a time waits on a descriptor (its stream's lock).
     *
     * @return false if the event loop could not watch the descriptor (the
     *         caller then polls, pinning its carrier rather than failing)
     * @throws IOException "Stream closed" if closed meanwhile
     */
    private boolean parkUntilReady(short events) throws IOException {
        ReadinessWait wait = new ReadinessWait();
        synchronized (this) {
            if (closed) {
                throw new IOException("Stream closed");
            }
            if (childExited) {
                return true;
            }
            parked = wait;
        }
        boolean watched;
        try {
            watched = wait.park(fd, events == LibC.POLLOUT ? LibC.EPOLLOUT : LibC.EPOLLIN);
        } finally {
            synchronized (this) {
                parked = null;
            }
        }
        synchronized (this) {
            if (closed) {
                throw new IOException("Stream closed");
            }
        }
        return watched;
    }

    /** Closes now if unused, else as soon as the last user leaves; wakes waiters. Idempotent. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        wakeWaiter();
        if (users == 0) {
            free();
        }
    }

    /**
     * The child at the other end has been reaped: wakes a waiter, which must
     * not wait again, and makes {@link #await} return at once from now on.
     * Never blocks. Idempotent.
     */
    synchronized void childExited() {
        if (closed || childExited) {
            return;
        }
        childExited = true;
        wakeWaiter();
    }

    /** Whether {@link #childExited()} was called; a volatile read, no lock. */
    boolean hasChildExited() {
        return childExited;
    }

    /**
     * Under the monitor: ends a wait in progress. The eventfd is never reset,
     * so every later poll returns at once too: both callers end the waiting
     * for good.
     */
    private void wakeWaiter() {
        if (parked != null) {
            parked.wake();
        }
        wake.wake();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private void free() {
        if (released) {
            return;
        }
        released = true;
        closeQuietly(fd);
        wake.close();
    }

    /** Closes a raw descriptor, ignoring errors (close(2) releases the number even when it reports one). */
    public static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // close(2) releases the number even when it reports EINTR or EIO
        }
    }
}
