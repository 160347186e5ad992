package dev.safespawn.strategies.internal;

import com.sun.jna.Memory;
import dev.safespawn.internal.CallerStdio;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Serves a child's standard streams on the calling platform thread: writes
 * what the pipe to stdin takes, reads what stdout and stderr hold, and
 * between the two waits in one interruptible {@code poll(2)} over all of
 * them. Nothing waits in a read or a write, so a child that fills one pipe
 * while the caller feeds another cannot deadlock, and no other thread takes
 * part: the kernel wakes this one. At the child's exit the streams end as
 * their {@link dev.safespawn.Command.StreamEnd} says; their wake-ups end the
 * poll like readiness does.
 */
final class StdioPump implements CallerStdio.Pump {
    /** The most one read or write moves; as much as a default pipe holds. */
    private static final int MOST = 64 * 1024;
    /** The first read buffer: small outputs, the common case, need no more. */
    private static final int FIRST_READ = 8 * 1024;
    /** Three streams, each with its wake-up eventfd, the child's pidfd and the interrupt's eventfd. */
    private static final int MOST_POLLFDS = 3 * 2 + 2;
    private static final long SIGINFO_AT = (long) MOST_POLLFDS * Descriptor.POLLFD_SIZE;

    private final PipedChildProcess child;
    private FdOutputStream stdin; // null once the input is written or refused
    private final InputStream input;
    private byte[] chunk; // the input chunk being written
    private int chunkOffset;
    private int chunkLength;
    private final Output stdout;
    private final Output stderr;
    private byte[] readBuffer = new byte[FIRST_READ];
    private Memory pollfds;

    StdioPump(PipedChildProcess child, OutputStream stdin, InputStream input, InputStream stdout, CallerStdio.Sink outSink,
            InputStream stderr, CallerStdio.Sink errSink) {
        this.child = child;
        this.stdin = stdin instanceof FdOutputStream s ? s : null;
        this.input = input;
        this.stdout = new Output(stdout, outSink);
        this.stderr = new Output(stderr, errSink);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Where the child has a pidfd, this thread watches its exit for the
     * whole call, not poll by poll, and returns only once the child has
     * ended too, reaped by this thread: were the reaper handed the child back
     * between two polls, a child exiting just then would wake it, and it this
     * thread, two hand-offs on the way to every exit.
     */
    @Override
    public boolean runUntil(long deadline) throws IOException, InterruptedException {
        if (pollfds == null) {
            pollfds = new Memory(SIGINFO_AT + LibC.SIGINFO_T_SIZE);
        }
        int exitFd = child.enterExitWait();
        int watched = exitFd; // -1 once the child has ended: an ended child's pidfd stays readable
        try {
            while (true) {
                feed();
                stdout.drain();
                stderr.drain();
                if (stdin == null && stdout.stream == null && stderr.stream == null
                        && (watched < 0 || child.endedDuringExitWait(pollfds.share(SIGINFO_AT)))) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (deadline != Long.MAX_VALUE && left <= 0) {
                    return false;
                }
                if (await(watched, deadline == Long.MAX_VALUE ? -1 : (int) Math.min(Integer.MAX_VALUE,
                        TimeUnit.NANOSECONDS.toMillis(left + TimeUnit.MILLISECONDS.toNanos(1) - 1)))
                        && child.endedDuringExitWait(pollfds.share(SIGINFO_AT))) {
                    watched = -1; // reaped here: the streams end as at any reaping, or with their last writer
                }
            }
        } finally {
            if (exitFd >= 0) {
                child.leaveExitWait(pollfds.share(SIGINFO_AT));
            }
        }
    }

    /** Writes until the pipe is full or the input is done; then closes stdin. */
    private void feed() throws IOException {
        while (stdin != null) {
            if (chunkLength == 0 && !nextChunk()) {
                closeStdin();
                return;
            }
            int wrote = stdin.writeNow(chunk, chunkOffset, chunkLength);
            if (wrote < 0) {
                closeStdin(); // the child reads no more: the rest is dropped, as Python's communicate drops it
                return;
            }
            if (wrote == 0) {
                return;
            }
            chunkOffset += wrote;
            chunkLength -= wrote;
        }
    }

    /** The next chunk of input, read on this thread; false at its end. */
    private boolean nextChunk() throws IOException {
        if (input == null) {
            return false;
        }
        if (chunk == null) {
            chunk = new byte[Math.max(1, Math.min(MOST, input.available()))];
        }
        int n = input.read(chunk);
        if (n < 0) {
            return false;
        }
        if (n == chunk.length && chunk.length < MOST) {
            chunk = Arrays.copyOf(chunk, MOST); // more is coming: take it in larger steps
        }
        chunkOffset = 0;
        chunkLength = n;
        return true;
    }

    private void closeStdin() {
        stdin.close();
        stdin = null;
    }

    /**
     * Waits in {@code poll(2)} until a stream is ready, ends, is closed, the
     * child exits ({@code exitFd}, its pidfd, or -1), or {@code timeoutMillis}
     * pass. Returns at once when a stream has been closed: the next pass
     * finds out which.
     *
     * @return whether {@code exitFd} is readable: the child has exited
     */
    private boolean await(int exitFd, int timeoutMillis) throws InterruptedException {
        Descriptor[] held = new Descriptor[3];
        int count = 0;
        int slots = 0;
        try {
            Descriptor in = stdin == null ? null : stdin.descriptor(); // feed() left it full
            Descriptor out = stdout.stream == null ? null : stdout.stream.descriptor();
            Descriptor err = stderr.stream == null ? null : stderr.stream.descriptor();
            for (Descriptor d : new Descriptor[] {in, out, err}) {
                if (d == null) {
                    continue;
                }
                d.acquire();
                held[count++] = d;
                if (!d.prepareWait(d == in ? LibC.POLLOUT : LibC.POLLIN, pollfds, slots)) {
                    return false;
                }
                slots += 2;
            }
            long exitAt = (long) slots * Descriptor.POLLFD_SIZE;
            if (exitFd >= 0) {
                pollfds.setInt(exitAt, exitFd);
                pollfds.setShort(exitAt + 4, LibC.POLLIN);
                pollfds.setShort(exitAt + 6, (short) 0);
                slots++;
            }
            InterruptiblePoll.poll(pollfds, slots, timeoutMillis);
            return exitFd >= 0 && pollfds.getShort(exitAt + 6) != 0;
        } catch (IOException closed) {
            return false; // closed meanwhile: the next pass sees it ended
        } finally {
            for (int i = 0; i < count; i++) {
                held[i].release();
            }
        }
    }

    /** stdout or stderr, and where its bytes go. */
    private final class Output {
        FdInputStream stream; // null once ended
        private final CallerStdio.Sink sink;

        Output(InputStream stream, CallerStdio.Sink sink) {
            this.stream = stream instanceof FdInputStream s ? s : null;
            this.sink = sink;
        }

        /** Reads what is there now. */
        void drain() throws IOException {
            while (stream != null) {
                int n = stream.readNow(readBuffer, 0, readBuffer.length);
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    stream = null;
                    return;
                }
                sink.accept(readBuffer, 0, n);
                if (n == readBuffer.length && n < MOST) {
                    readBuffer = new byte[MOST]; // a bulk transfer: fewer, larger reads
                }
            }
        }
    }
}
