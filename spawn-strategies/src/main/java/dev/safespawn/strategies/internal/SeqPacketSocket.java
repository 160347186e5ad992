package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.safespawn.internal.Errno;
import dev.safespawn.internal.VirtualThreads;
import java.io.IOException;

/**
 * One end of a {@code SOCK_SEQPACKET} socketpair: whole messages, optionally
 * with descriptors attached ({@code SCM_RIGHTS}). Any number of threads may
 * send; one thread at a time receives: blocking ({@link #receive}), or without
 * blocking ({@link #receiveNow}) when the {@link EventLoop} says a message is
 * there ({@link #watch}) or a waiting thread has polled for one
 * ({@link #awaitReadable}). {@link #close()} stops the loop watching, shuts
 * the socket down, which wakes a blocked receiver with end of file, and
 * releases the number only once no call is using it.
 */
public final class SeqPacketSocket implements AutoCloseable {
    // struct msghdr (64-bit): name, namelen, iov, iovlen, control, controllen, flags
    private static final int MSGHDR_SIZE = 56;
    private static final int CMSG_HEADER = 16; // cmsg_len (size_t), cmsg_level, cmsg_type

    /** What {@link #receiveNow} returns when no message is there yet. */
    public static final int NO_MESSAGE = -2;
    private static final EventLoop LOOP = EventLoop.INSTANCE;

    private final Descriptor fd;
    private final int raw;
    private long loopKey; // guarded by this: the event loop's registration, 0 when not watched

    private SeqPacketSocket(int raw) {
        this.raw = raw;
        this.fd = new Descriptor(raw);
    }

    /** A connected pair: this JVM's end, and the peer's raw descriptor, which the caller passes on and closes. */
    public record Pair(SeqPacketSocket local, int peerFd) {
    }

    /** A connected pair, both ends close-on-exec from birth. */
    public static Pair pair() throws IOException {
        int[] sv = new int[2];
        try {
            LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, sv);
        } catch (LastErrorException e) {
            throw new IOException("socketpair: " + Errno.message(e.getErrorCode()));
        }
        return new Pair(new SeqPacketSocket(sv[0]), sv[1]);
    }

    /** Sends one message with {@code fds} attached (may be empty). */
    public void send(byte[] message, int[] fds) throws IOException {
        int n = fd.acquire();
        // One block (one JNA allocation, sends happen per spawn): msghdr, iovec, control, data.
        long controlSize = fds.length > 0 ? CMSG_HEADER + align8(4L * fds.length) : 0;
        long iovOffset = MSGHDR_SIZE;
        long controlOffset = iovOffset + 16;
        long dataOffset = controlOffset + controlSize;
        try (Memory block = new Memory(dataOffset + Math.max(1, message.length))) {
            block.clear(dataOffset);
            Pointer header = block;
            Pointer iov = block.share(iovOffset);
            Pointer data = block.share(dataOffset);
            data.write(0, message, 0, message.length);
            iov.setPointer(0, data);
            iov.setLong(8, message.length);
            header.setPointer(16, iov);
            header.setLong(24, 1);
            if (fds.length > 0) {
                Pointer control = block.share(controlOffset);
                control.setLong(0, CMSG_HEADER + 4L * fds.length);
                control.setInt(8, LibC.SOL_SOCKET);
                control.setInt(12, LibC.SCM_RIGHTS);
                control.write(CMSG_HEADER, fds, 0, fds.length);
                header.setPointer(32, control);
                header.setLong(40, controlSize);
            }
            // A full socket buffer (a busy server) blocks a platform thread in
            // sendmsg; a virtual thread must park instead, so it never blocks there.
            boolean park = VirtualThreads.isCurrent();
            while (true) {
                try {
                    LibC.sendmsg(n, header, LibC.MSG_NOSIGNAL | (park ? LibC.MSG_DONTWAIT : 0));
                    return;
                } catch (LastErrorException e) {
                    if (park && e.getErrorCode() == Errno.EAGAIN) {
                        if (!awaitQuietly(LibC.POLLOUT)) {
                            throw new IOException("Stream closed");
                        }
                    } else if (e.getErrorCode() != Errno.EINTR) {
                        throw new IOException("send to the zygote: " + Errno.message(e.getErrorCode())
                                + " (" + Errno.name(e.getErrorCode()) + ")");
                    }
                }
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Receives one message into {@code buffer}; blocks (a virtual thread
     * parks until a message is there: the first spawn waits for the server's
     * greeting so).
     *
     * @return its length, or -1 at end of file (the peer is gone, or this socket was closed)
     */
    public int receive(Pointer buffer, int capacity) {
        while (true) {
            int n = receiveNow(buffer, capacity);
            if (n != NO_MESSAGE) {
                return n;
            }
            if (!awaitQuietly(LibC.POLLIN)) {
                return -1;
            }
        }
    }

    /**
     * Receives one message if one is there, without blocking.
     *
     * @return its length; {@link #NO_MESSAGE}; or -1 at end of file (the peer
     *         is gone, or this socket was closed)
     */
    public int receiveNow(Pointer buffer, int capacity) {
        int n;
        try {
            n = fd.acquire();
        } catch (IOException closed) {
            return -1;
        }
        try {
            while (true) {
                try {
                    long got = LibC.recv(n, buffer, capacity, LibC.MSG_DONTWAIT);
                    return got == 0 ? -1 : (int) got;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Errno.EAGAIN) {
                        return NO_MESSAGE;
                    }
                    if (e.getErrorCode() != Errno.EINTR) {
                        return -1;
                    }
                }
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Blocks a platform thread until a message (or end of file) is there, or
     * {@code timeoutMillis} pass ({@code -1}: no limit); it may return early.
     * Only an {@code interruptible} wait notices an interrupt; the other
     * spares the eventfd that takes (for a caller that would wait on anyway).
     *
     * @throws InterruptedException if {@code interruptible} and the thread is
     *         interrupted; status cleared
     */
    public void awaitReadable(int timeoutMillis, boolean interruptible) throws InterruptedException {
        int n;
        try {
            n = fd.acquire();
        } catch (IOException closed) {
            return; // the next receive reports the end
        }
        try (Memory scratch = new Memory(InterruptiblePoll.SCRATCH_SIZE)) {
            if (interruptible) {
                InterruptiblePoll.awaitReadable(n, timeoutMillis, scratch);
            } else {
                scratch.setInt(0, n);
                scratch.setShort(4, LibC.POLLIN);
                scratch.setShort(6, (short) 0);
                LibC.poll(scratch, 1, timeoutMillis);
            }
        } catch (LastErrorException e) {
            // EINTR: an early return, which the caller allows for
        } finally {
            fd.release();
        }
    }

    /**
     * Has the event loop run {@code onReadable} once, on its thread, when a
     * message or end of file is there; {@link #watch(boolean)} asks for the
     * next time. Called once.
     */
    public synchronized void watch(Runnable onReadable) {
        if (fd.isClosed()) {
            return;
        }
        loopKey = LOOP.register(scratch -> onReadable.run());
        LOOP.watch(loopKey, raw, LibC.EPOLLIN | LibC.EPOLLONESHOT);
    }

    /**
     * Asks the loop for the next {@link #watch(Runnable)} call, or, with
     * false, for none until asked again (a thread that reads by itself
     * meanwhile spares the loop a wake-up). Does nothing once closed.
     */
    public synchronized void watch(boolean readable) {
        if (loopKey != 0 && !fd.isClosed()) {
            LOOP.rewatch(loopKey, raw, (readable ? LibC.EPOLLIN : 0) | LibC.EPOLLONESHOT);
        }
    }

    /**
     * Stops the loop watching, shuts the socket down (the peer sees end of
     * file) and closes it once unused. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (loopKey != 0) {
            LOOP.unwatch(raw); // while the number is still ours
            LOOP.unregister(loopKey);
            loopKey = 0;
        }
        if (!fd.isClosed()) {
            try {
                LibC.shutdown(raw, LibC.SHUT_RDWR);
            } catch (LastErrorException alreadyGone) {
                // the peer went first: closing is all that is left
            }
        }
        fd.close();
    }

    /** {@link Descriptor#await}; false if the socket was closed meanwhile. */
    private boolean awaitQuietly(short events) {
        try (Memory pfd = new Memory(Descriptor.POLL_SCRATCH_SIZE)) {
            fd.acquire();
            try {
                fd.await(events, pfd);
            } finally {
                fd.release();
            }
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }
}
