package dev.safespawn.cli;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The stand-in for GLib's main loop: a thread blocked reading the wake-up
 * pipe, for which every byte is one wake-up (a real loop would then run its
 * dispatch for nothing, which is what burned a core in the original bug).
 *
 * <p>Counting needs no sleeps: {@link #wakeUpsSinceLastCount()} writes an
 * end-of-round marker and waits until the watcher reaches it. A pipe is FIFO,
 * so once the children who might have written are reaped, every byte they
 * wrote is ahead of the marker and has been counted when it is read.
 */
final class WakeupWatcher implements AutoCloseable {
    private static final byte END_OF_ROUND = 'E';
    private static final byte STOP = 'S';
    /** A guard against a watcher that died, not a synchronisation: it normally answers in microseconds. */
    private static final long ANSWER_TIMEOUT_SECONDS = 10;
    private static final int FAILED = -1;

    private final int readFd;
    private final int writeFd;
    private final BlockingQueue<Integer> counts = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile String failure;

    private WakeupWatcher(LeakyPipe pipe) {
        this.readFd = pipe.readFd();
        this.writeFd = pipe.writeFd();
        this.thread = new Thread(this::watch, "wakeup-watcher");
        thread.setDaemon(true); // a watcher stuck on a broken pipe must not keep the CLI alive
    }

    /** Starts a watcher on {@code pipe}, which must stay open until {@link #close()}. */
    static WakeupWatcher start(LeakyPipe pipe) {
        WakeupWatcher w = new WakeupWatcher(pipe);
        w.thread.start();
        return w;
    }

    /**
     * The wake-ups since the previous call (or the start). Call it only when
     * nobody else can still write to the pipe.
     *
     * @throws IOException if the watcher has failed
     */
    int wakeUpsSinceLastCount() throws IOException, InterruptedException {
        writeByte(END_OF_ROUND);
        Integer n = counts.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (n == null || n == FAILED) {
            throw new IOException("the wake-up watcher "
                    + (failure != null ? "failed: " + failure : "did not answer within " + ANSWER_TIMEOUT_SECONDS + " s"));
        }
        return n;
    }

    /** Stops the watcher thread. The pipe stays open: its owner closes it. */
    @Override
    public void close() throws IOException {
        if (failure == null) {
            writeByte(STOP);
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(ANSWER_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the daemon watcher dies with the JVM anyway
        }
    }

    private void watch() {
        Memory buf = new Memory(1);
        int wakeUps = 0;
        try {
            while (true) {
                long n = readOne(buf);
                if (n == 0) {
                    fail("the pipe was closed under it");
                    return;
                }
                byte b = buf.getByte(0);
                if (b == STOP) {
                    return;
                } else if (b == END_OF_ROUND) {
                    counts.add(wakeUps);
                    wakeUps = 0;
                } else {
                    wakeUps++;
                }
            }
        } catch (LastErrorException e) {
            fail("read: " + Libc.describe(e.getErrorCode()));
        }
    }

    private long readOne(Memory buf) {
        while (true) {
            try {
                return Libc.read(readFd, buf, 1);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EINTR) {
                    throw e;
                }
            }
        }
    }

    private void fail(String why) {
        failure = why;
        counts.add(FAILED);
    }

    private void writeByte(byte b) throws IOException {
        Memory buf = new Memory(1);
        buf.setByte(0, b);
        try {
            Libc.write(writeFd, buf, 1);
        } catch (LastErrorException e) {
            throw new IOException("write to the wake-up pipe: " + Libc.describe(e.getErrorCode()), e);
        }
    }
}
