package dev.safespawn.strategies.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.safespawn.internal.Errno;
import java.io.IOException;

/**
 * {@code read(2)} and {@code write(2)} for the streams' non-blocking pipe
 * ends, which report failure as -1 with errno kept in
 * {@link Native#getLastError()} instead of throwing. On a pipe, EAGAIN is the
 * normal case every time the reader catches up with the writer, and a
 * {@link com.sun.jna.LastErrorException} with its stack trace for each one
 * cost more than the read itself in bulk transfers.
 */
final class NonBlockingIo {
    static {
        Native.register(NonBlockingIo.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    /** What a failed call asks of its caller. */
    enum Retry { WAIT, AGAIN }

    private NonBlockingIo() {
    }

    static native long read(int fd, Pointer buf, long count);

    static native long write(int fd, Pointer buf, long count);

    /**
     * After a call returned -1: {@link Retry#WAIT} for EAGAIN (poll, then
     * call again), {@link Retry#AGAIN} for EINTR; any other errno is thrown,
     * its message after {@code prefix}.
     */
    static Retry afterFailure(String prefix) throws IOException {
        int errno = Native.getLastError();
        if (errno == Errno.EAGAIN) {
            return Retry.WAIT;
        }
        if (errno == Errno.EINTR) {
            return Retry.AGAIN;
        }
        throw new IOException(prefix + Errno.message(errno) + " (" + Errno.name(errno) + ")");
    }
}
