package dev.safespawn.reliability;

import com.sun.jna.LastErrorException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Threads that keep opening and closing descriptors without
 * {@code O_CLOEXEC} (pipes, Unix and IP sockets, files) through libc, the way
 * the seed bug's library did: any of them open while a child is made is
 * one a leaky launcher hands over. Each descriptor stays open for a moment
 * ({@link #HOLD_NANOS}) so that a spawn is likely to find some open, and so
 * that the churners pace themselves instead of starving the spawners of the
 * two CPUs. Not thread-safe to start and close; its counters are.
 */
final class DescriptorChurn implements AutoCloseable {
    /** How long each descriptor is held open; eight threads then churn several thousand a second. */
    private static final long HOLD_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private long stopNanos;

    private DescriptorChurn() {
    }

    /** Starts {@code count} churning threads. */
    static DescriptorChurn start(int count) {
        DescriptorChurn churn = new DescriptorChurn();
        for (int i = 0; i < count; i++) {
            int kind = i;
            Thread t = new Thread(() -> churn.loop(kind), "reliability-churn-" + i);
            t.setDaemon(true);
            churn.threads.add(t);
            t.start();
        }
        return churn;
    }

    private void loop(int firstKind) {
        int[] pair = new int[2];
        for (int kind = firstKind; !stop.get(); kind++) {
            try {
                switch (kind % 4) {
                    case 0 -> {
                        Libc.pipe2(pair, 0);
                        hold();
                        Libc.close(pair[0]);
                        Libc.close(pair[1]);
                        opened.addAndGet(2);
                    }
                    case 1 -> {
                        Libc.socketpair(Libc.AF_UNIX, Libc.SOCK_STREAM, 0, pair);
                        hold();
                        Libc.close(pair[0]);
                        Libc.close(pair[1]);
                        opened.addAndGet(2);
                    }
                    case 2 -> {
                        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0);
                        hold();
                        Libc.close(fd);
                        opened.incrementAndGet();
                    }
                    default -> {
                        int fd = Libc.open("/dev/null", Libc.O_RDONLY);
                        hold();
                        Libc.close(fd);
                        opened.incrementAndGet();
                    }
                }
            } catch (LastErrorException e) {
                // EMFILE when a scenario fills the table: counted, the churn goes on
                failures.incrementAndGet();
            }
        }
    }

    private static void hold() {
        LockSupport.parkNanos(HOLD_NANOS);
    }

    /** Descriptors opened (and closed again) so far. */
    long opened() {
        return opened.get();
    }

    /** Opens that failed, such as at a full descriptor table. */
    long failures() {
        return failures.get();
    }

    /** Descriptors opened per second, over the churn's life up to {@link #close()} (or now). */
    double perSecond() {
        long end = stopNanos == 0 ? System.nanoTime() : stopNanos;
        return opened.get() / ((end - startNanos) / 1e9);
    }

    /** Stops every thread and waits for it; every descriptor it opened is closed by then. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        stopNanos = System.nanoTime();
    }
}
