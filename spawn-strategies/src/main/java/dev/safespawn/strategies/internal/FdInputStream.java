package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.internal.Errno;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Reads the parent's end of a pipe with blocking {@link InputStream} semantics
 * over a non-blocking descriptor, so that {@link #close()} from another thread
 * wakes a blocked reader (which then gets "Stream closed") instead of leaving
 * it stuck. Thread-safe; see {@link Descriptor} for why closing is safe.
 */
final class FdInputStream extends InputStream {
    private static final int CHUNK = 64 * 1024;

    private final Descriptor fd;
    private final Object readLock = new Object();
    private Memory buffer; // guarded by readLock; native memory for read(2)

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
        synchronized (readLock) {
            int n = Math.min(len, CHUNK);
            if (buffer == null) {
                buffer = new Memory(CHUNK);
            }
            int raw = fd.acquire();
            try {
                while (true) {
                    try {
                        long got = LibC.read(raw, buffer, n);
                        if (got == 0) {
                            return -1;
                        }
                        buffer.read(0, b, off, (int) got);
                        return (int) got;
                    } catch (LastErrorException e) {
                        int errno = e.getErrorCode();
                        if (errno == Errno.EAGAIN) {
                            fd.await(LibC.POLLIN);
                        } else if (errno != Errno.EINTR) {
                            throw new IOException("read: " + Errno.message(errno) + " (" + Errno.name(errno) + ")");
                        }
                    }
                }
            } finally {
                fd.release();
            }
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
