package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.internal.Errno;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads the parent's end of a pipe with blocking {@link InputStream} semantics
 * over a non-blocking descriptor, so that {@link #close()} from another thread
 * wakes a blocked reader (which then gets "Stream closed") instead of leaving
 * it stuck. Thread-safe; see {@link Descriptor} for why closing is safe.
 */
final class FdInputStream extends InputStream {
    private static final int CHUNK = 64 * 1024;
    /**
     * A stream that has carried this much is a bulk transfer, and its pipe is
     * widened to {@link #BULK_PIPE_SIZE}: with the default 64 KiB a fast writer
     * fills the pipe and sleeps, and the reader sleeps once it has drained it,
     * a pair of wake-ups per 64 KiB. Only such streams are widened, so a
     * thousand quiet children do not pin a thousand large pipe buffers.
     */
    private static final long BULK_AFTER_BYTES = 256 * 1024;
    /** Linux's default {@code fs.pipe-max-size}, the most an unprivileged process may ask for. */
    private static final int BULK_PIPE_SIZE = 1024 * 1024;

    private final Descriptor fd;
    // Not a monitor: a virtual thread blocked on a monitor pins its carrier (before JDK 24).
    private final ReentrantLock readLock = new ReentrantLock();
    private Memory buffer; // guarded by readLock; native memory for read(2), then poll(2)'s scratch
    private long carried; // guarded by readLock; bytes read until the pipe was widened
    private boolean widened; // guarded by readLock

    FdInputStream(Descriptor fd) {
        this.fd = fd;
        NativeCleaner.register(this, fd::close);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        readLock.lock();
        try {
            int n = Math.min(len, CHUNK);
            if (buffer == null) {
                buffer = new Memory(CHUNK + Descriptor.POLL_SCRATCH_SIZE);
            }
            int raw = fd.acquire();
            try {
                while (true) {
                    long got = NonBlockingIo.read(raw, buffer, n);
                    if (got > 0) {
                        buffer.read(0, b, off, (int) got);
                        if (!widened && (carried += got) >= BULK_AFTER_BYTES) {
                            widen(raw);
                        }
                        return (int) got;
                    }
                    if (got == 0) {
                        return -1;
                    }
                    if (NonBlockingIo.afterFailure("read: ") == NonBlockingIo.Retry.WAIT) {
                        fd.await(LibC.POLLIN, buffer.share(CHUNK));
                    }
                }
            } finally {
                fd.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Asks for a {@link #BULK_PIPE_SIZE} pipe, once. Refusal is fine: over
     * {@code fs.pipe-max-size} or the user's pipe-buffer quota the kernel says
     * EPERM or EINVAL, and the pipe keeps its size.
     */
    private void widen(int raw) {
        widened = true;
        try {
            LibC.fcntl(raw, LibC.F_SETPIPE_SZ, BULK_PIPE_SIZE);
        } catch (LastErrorException refused) {
            // the pipe keeps working at its current size
        }
    }

    @Override
    public int available() throws IOException {
        int raw = fd.acquire();
        try {
            IntByReference count = new IntByReference();
            LibC.ioctl(raw, LibC.FIONREAD, count);
            return count.getValue();
        } catch (LastErrorException e) {
            throw new IOException("available: " + Errno.message(e.getErrorCode()));
        } finally {
            fd.release();
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
