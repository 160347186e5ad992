package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import dev.safespawn.internal.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.spi.AbstractInterruptibleChannel;

/**
 * A {@code poll(2)} for one descriptor that {@link Thread#interrupt()} ends,
 * so a thread can block in the kernel on a child's pidfd and still honour
 * {@link Process#waitFor()}'s promise to be interruptible.
 *
 * <p>A thread blocked in native code does not notice an interrupt. NIO's
 * channels solve that with {@link AbstractInterruptibleChannel}: between
 * {@link #begin()} and {@link #end(boolean)} an interrupt closes the channel.
 * Here "closing" writes a private {@link WakeFd} that the poll also watches.
 * One instance serves one wait; it is never registered anywhere and its
 * eventfd is closed when the wait ends. Without an eventfd (the descriptor
 * table is full) the poll blocks in slices and checks the interrupt status
 * between them.
 */
final class InterruptiblePoll extends AbstractInterruptibleChannel {
    /** Bytes of native scratch {@link #awaitReadable} needs: two {@code struct pollfd}. */
    static final int SCRATCH_SIZE = 2 * Descriptor.POLLFD_SIZE;

    private final WakeFd wake;

    private InterruptiblePoll(WakeFd wake) {
        this.wake = wake;
    }

    /**
     * Waits until {@code fd} is readable or {@code timeoutMillis} pass
     * ({@code -1}: no limit). It may return early (EINTR); callers check
     * what they waited for and wait again. {@code pfd} is the caller's
     * {@link #SCRATCH_SIZE} bytes of native memory.
     *
     * @throws InterruptedException if the thread is interrupted before or
     *         during the wait; the interrupt status is then cleared, as
     *         {@link Object#wait()} clears it
     */
    static void awaitReadable(int fd, int timeoutMillis, Pointer pfd) throws InterruptedException {
        pfd.setInt(0, fd);
        pfd.setShort(4, LibC.POLLIN);
        pfd.setShort(6, (short) 0);
        poll(pfd, 1, timeoutMillis);
    }

    /**
     * {@code poll(2)} over the {@code count} entries the caller set in
     * {@code pfds}, which must have room for one more: this wait's own
     * eventfd goes there. Returns when any is ready, {@code timeoutMillis}
     * pass ({@code -1}: no limit), or early (EINTR); the caller reads the
     * {@code revents} it needs and decides.
     *
     * @throws InterruptedException as {@link #awaitReadable}
     */
    static void poll(Pointer pfds, int count, int timeoutMillis) throws InterruptedException {
        InterruptiblePoll wait = new InterruptiblePoll(WakeFd.open());
        try {
            long at = (long) count * Descriptor.POLLFD_SIZE;
            pfds.setInt(at, wait.wake.fd);
            pfds.setShort(at + 4, LibC.POLLIN);
            pfds.setShort(at + 6, (short) 0);
            boolean completed = false;
            wait.begin();
            try {
                LibC.poll(pfds, count + 1, wait.wake.timeout(timeoutMillis));
                completed = true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    // EFAULT, EINVAL or ENOMEM: no IOException fits waitFor's signature
                    throw new UncheckedIOException(new IOException(
                            "poll: " + Errno.name(e.getErrorCode()) + " " + Errno.message(e.getErrorCode())));
                }
            } finally {
                try {
                    wait.end(completed);
                } catch (AsynchronousCloseException interrupted) { // ClosedByInterruptException
                    Thread.interrupted();
                    throw new InterruptedException();
                }
            }
        } finally {
            wait.wake.close();
        }
    }

    /** Called once, by the interrupting thread (or by begin() if already interrupted): wakes the poll. */
    @Override
    protected void implCloseChannel() {
        wake.wake(); // without an eventfd, end() sees the interrupt when the slice ends
    }
}
