package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.safespawn.internal.Errno;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes the parent's end of a pipe with blocking {@link OutputStream}
 * semantics over a non-blocking descriptor; unbuffered, so every write reaches
 * the pipe before it returns. {@link #close()} from another thread wakes a
 * writer blocked on a full pipe (it gets "Stream closed"). A child that closed
 * its end makes writes fail with "Broken pipe". Thread-safe.
 */
final class FdOutputStream extends OutputStream {
    private static final int CHUNK = 64 * 1024;

    private final Descriptor fd;
    private final Object writeLock = new Object();
    private Memory buffer; // guarded by writeLock

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
        synchronized (writeLock) {
            if (buffer == null && len > 0) {
                buffer = new Memory(CHUNK);
            }
            int raw = fd.acquire();
            try {
                while (len > 0) {
                    int n = Math.min(len, CHUNK);
                    buffer.write(0, b, off, n);
                    int sent = 0;
                    while (sent < n) {
                        try {
                            sent += (int) LibC.write(raw, buffer.share(sent), n - sent);
                        } catch (LastErrorException e) {
                            int errno = e.getErrorCode();
                            if (errno == Errno.EAGAIN) {
                                fd.await(LibC.POLLOUT);
                            } else if (errno != Errno.EINTR) {
                                throw new IOException(Errno.message(errno) + " (" + Errno.name(errno) + ")");
                            }
                        }
                    }
                    off += n;
                    len -= n;
                }
            } finally {
                fd.release();
            }
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
