package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * An eventfd that wakes a blocking {@code poll(2)}: written by whoever must
 * end the wait ({@link Thread#interrupt()}, {@link Descriptor#close()}).
 *
 * <p>A wait must not fail for want of a descriptor: a program at its limit
 * waits for its children precisely to get descriptors back. So when none can
 * be made (EMFILE, ENFILE, ENOMEM) {@link #open()} returns {@link #NONE} and
 * the wait polls in slices of {@link #SLICE_MILLIS}, checking between them
 * what a write would have signalled: slower to notice, never failing.
 *
 * <p>Each is made for one wait (or one {@link Descriptor}) and closed with it,
 * rather than kept per thread: a descriptor that outlived its thread would
 * count as leaked until a collection, and callers check that a child leaves
 * nothing open behind it.
 */
final class WakeFd {
    /** No eventfd: {@link #fd} is -1, which {@code poll(2)} ignores. */
    static final WakeFd NONE = new WakeFd(-1);
    /** How long a wait without an eventfd blocks before checking again. */
    static final int SLICE_MILLIS = 50;

    final int fd;

    private WakeFd(int fd) {
        this.fd = fd;
    }

    /** A new eventfd, or {@link #NONE} if none can be made now. */
    static WakeFd open() {
        try {
            return new WakeFd(LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK));
        } catch (LastErrorException e) { // EMFILE, ENFILE, ENOMEM: poll in slices
            return NONE;
        }
    }

    /** How long the next poll may block: {@code timeoutMillis} (-1: no limit), capped to a slice without an eventfd. */
    int timeout(int timeoutMillis) {
        if (fd >= 0) {
            return timeoutMillis;
        }
        return timeoutMillis < 0 ? SLICE_MILLIS : Math.min(timeoutMillis, SLICE_MILLIS);
    }

    /** Ends the owner's wait in progress, or its next one. Never blocks. */
    void wake() {
        if (fd >= 0) {
            post(fd);
        }
    }

    /** Adds one to the counter of the non-blocking eventfd {@code eventFd}, so a poll on it returns. Never blocks. */
    static void post(int eventFd) {
        try (Memory one = new Memory(8)) {
            one.setLong(0, 1);
            LibC.write(eventFd, one, 8);
        } catch (LastErrorException ignored) {
            // EAGAIN only at a counter near 2^64: whoever polls it is woken already
        }
    }

    /** Closes the eventfd once its wait (or its Descriptor) is done with it. */
    void close() {
        if (fd >= 0) {
            Descriptor.closeQuietly(fd);
        }
    }
}
