package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.internal.Errno;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads the parent's end of a pipe with blocking {@link InputStream} semantics
 * over a non-blocking descriptor, so that {@link #close()} from another thread
 * wakes a blocked reader (which then gets "Stream closed") instead of leaving
 * it stuck. Thread-safe; see {@link Descriptor} for why closing is safe.
 *
 * <p>{@link #childExited()} ends the stream as the JDK's does when it reaps
 * the child: what the pipe holds then is copied to the heap, the descriptor
 * is let go, and reads return that copy and then the end of stream. A reader
 * inside {@link #read} at that moment (usually blocked) is woken instead,
 * reads what is left without waiting, and lets the descriptor go on its way
 * out; whoever holds the read lock last after the exit does it, so it is
 * never left open.
 */
final class FdInputStream extends InputStream implements ChildEnd {
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
    /** Once the descriptor has been let go at the child's exit: what the pipe held then. Set under readLock. */
    private volatile InputStream rest;
    private volatile boolean closed; // by close(): reads fail, even of what rest holds

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
        try {
            return readLocked(b, off, len, true);
        } finally {
            letGoIfChildExited(); // the exit may have come while this call held the lock
        }
    }

    /**
     * {@link #read(byte[], int, int)} without waiting, for a thread that
     * waits on several streams at once ({@link StdioPump}).
     *
     * @return the count read; 0 if nothing is there yet; -1 at the end, and
     *         also once the stream is closed (whoever closed it ended the
     *         reading: a termination, say)
     */
    int readNow(byte[] b, int off, int len) throws IOException {
        try {
            return readLocked(b, off, len, false);
        } catch (IOException e) {
            if (closed) {
                return -1;
            }
            throw e;
        } finally {
            letGoIfChildExited();
        }
    }

    /** Between {@link Descriptor#acquire()} and its release, for a wait over several streams; see {@link #readNow}. */
    Descriptor descriptor() {
        return fd;
    }

    private int readLocked(byte[] b, int off, int len, boolean wait) throws IOException {
        readLock.lock();
        try {
            if (closed) {
                throw new IOException("Stream closed");
            }
            InputStream kept = rest;
            if (kept != null) {
                return kept.read(b, off, len);
            }
            int n = Math.min(len, CHUNK);
            allocateBuffer();
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
                        if (fd.hasChildExited()) {
                            // The exit may have come after the read found the pipe empty, and the
                            // child's last bytes with it: keep what the pipe holds now, then end.
                            letGo(drain());
                            InputStream drained = rest; // null if close() came meanwhile
                            if (drained == null) {
                                throw new IOException("Stream closed");
                            }
                            return drained.read(b, off, len);
                        }
                        if (!wait) {
                            return 0;
                        }
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

    private void allocateBuffer() {
        if (buffer == null) {
            buffer = new Memory(CHUNK + Descriptor.POLL_SCRATCH_SIZE);
        }
    }

    /**
     * The child has been reaped. Never blocks: if a reader holds the lock it
     * is woken and lets the descriptor go on its way out; otherwise this
     * thread does it now.
     */
    @Override
    public void childExited() {
        fd.childExited(); // first: a reader that takes the lock from now on sees it
        letGoIfChildExited();
    }

    /**
     * After the child's exit, by whoever gets the read lock without waiting:
     * copies what the pipe holds to {@link #rest} and lets the descriptor go.
     * A thread that finds the lock taken leaves it to the holder, which calls
     * this again once it has unlocked; so the last one out does it.
     */
    private void letGoIfChildExited() {
        if (!fd.hasChildExited() || rest != null || closed || !readLock.tryLock()) {
            return;
        }
        try {
            if (rest == null && !closed) {
                letGo(drain());
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Under the read lock: from now on reads return {@code kept}, then the
     * end; the descriptor goes, and the native buffer with it (no read needs
     * it again), so a finished child holds no native memory either.
     */
    private void letGo(byte[] kept) {
        rest = new ByteArrayInputStream(kept); // before the close: see available()
        fd.close();
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }

    /**
     * Under the read lock: what the pipe holds now, read without waiting. At
     * most what {@code FIONREAD} counts, so a grandchild that keeps writing
     * cannot keep the caller (perhaps the reaper) busy.
     */
    private byte[] drain() {
        int raw;
        try {
            raw = fd.acquire();
        } catch (IOException closedMeanwhile) {
            return new byte[0];
        }
        try {
            IntByReference count = new IntByReference();
            LibC.ioctl(raw, LibC.FIONREAD, count);
            int held = count.getValue();
            if (held <= 0) {
                return new byte[0];
            }
            allocateBuffer();
            byte[] kept = new byte[held];
            int filled = 0;
            while (filled < held) {
                long got = NonBlockingIo.read(raw, buffer, Math.min(held - filled, CHUNK));
                if (got > 0) {
                    buffer.read(0, kept, filled, (int) got);
                    filled += (int) got;
                } else if (got == 0 || Native.getLastError() != Errno.EINTR) {
                    break; // end of file, EAGAIN (someone else read it), or an error: keep what came
                }
            }
            return filled == held ? kept : Arrays.copyOf(kept, filled);
        } catch (LastErrorException e) {
            return new byte[0]; // FIONREAD on a pipe does not fail; if it did, nothing is kept
        } finally {
            fd.release();
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
        if (closed) {
            throw new IOException("Stream closed");
        }
        InputStream kept = rest;
        if (kept != null) {
            return kept.available();
        }
        int raw;
        try {
            raw = fd.acquire();
        } catch (IOException letGo) {
            kept = rest; // set before the descriptor is let go at the child's exit
            if (kept != null && !closed) {
                return kept.available();
            }
            throw letGo;
        }
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
        closed = true;
        fd.close();
        rest = null; // lets the kept bytes go; reads check closed first
    }
}
