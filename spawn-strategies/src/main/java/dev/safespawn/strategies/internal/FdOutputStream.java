package dev.safespawn.strategies.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.safespawn.internal.Errno;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the parent's end of a pipe with blocking {@link OutputStream}
 * semantics over a non-blocking descriptor; unbuffered, so every write reaches
 * the pipe before it returns. {@link #close()} from another thread wakes a
 * writer blocked on a full pipe (it gets "Stream closed"). A child that closed
 * its end makes writes fail with "Broken pipe". Thread-safe.
 *
 * <p>{@link #childExited()} closes it, as the JDK closes a child's stdin
 * when it reaps the child.
 */
final class FdOutputStream extends OutputStream implements ChildEnd {
    private static final int CHUNK = 64 * 1024;

    private final Descriptor fd;
    // Not a monitor: a virtual thread blocked on a monitor pins its carrier (before JDK 24).
    private final ReentrantLock writeLock = new ReentrantLock();
    private Memory buffer; // guarded by writeLock; data for write(2), then poll(2)'s scratch

    FdOutputStream(Descriptor fd) {
        this.fd = fd;
        NativeCleaner.register(this, fd::close);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        writeLock.lock();
        try {
            if (buffer == null && len > 0) {
                buffer = new Memory(CHUNK + Descriptor.POLL_SCRATCH_SIZE);
            }
            int raw = fd.acquire();
            try {
                while (len > 0) {
                    int n = Math.min(len, CHUNK);
                    buffer.write(0, b, off, n);
                    int sent = 0;
                    while (sent < n) {
                        long wrote = NonBlockingIo.write(raw, buffer.share(sent), n - sent);
                        if (wrote >= 0) {
                            sent += (int) wrote;
                        } else if (NonBlockingIo.afterFailure("") == NonBlockingIo.Retry.WAIT) {
                            fd.await(LibC.POLLOUT, buffer.share(CHUNK));
                        }
                    }
                    off += n;
                    len -= n;
                }
            } finally {
                fd.release();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * One {@code write(2)} of at most 64 KiB of {@code b} without waiting, for
     * a thread that waits on several streams at once ({@link StdioPump}).
     *
     * @return the count written, 0 if the pipe is full, or -1 if the child
     *         will read no more: the stream was closed (at the child's exit,
     *         say) or the child closed its end
     */
    int writeNow(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        writeLock.lock();
        try {
            int raw;
            try {
                raw = fd.acquire();
            } catch (IOException closed) {
                return -1;
            }
            try {
                int n = Math.min(len, CHUNK);
                if (buffer == null) {
                    buffer = new Memory(CHUNK + Descriptor.POLL_SCRATCH_SIZE);
                }
                buffer.write(0, b, off, n);
                long wrote = NonBlockingIo.write(raw, buffer, n);
                if (wrote >= 0) {
                    return (int) wrote;
                }
                int errno = Native.getLastError();
                if (errno == Errno.EPIPE) {
                    return -1;
                }
                NonBlockingIo.afterFailure(""); // throws unless EAGAIN or EINTR: nothing written this time
                return 0;
            } finally {
                fd.release();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** For a wait over several streams; see {@link #writeNow}. */
    Descriptor descriptor() {
        return fd;
    }

    @Override
    public void close() {
        fd.close();
    }

    /** Closes; a writer blocked on a full pipe gets "Stream closed". Never blocks. */
    @Override
    public void childExited() {
        fd.close();
    }
}
