package dev.safespawn;

import dev.safespawn.internal.CallerStdio;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * On a platform thread with a native strategy: the calling thread serves the
 * child's pipes itself, waiting in one {@code poll(2)} over them all, so a
 * run wakes no other thread (the event loop would take three hand-offs:
 * start, output, exit). After a timeout a helper thread goes on reading
 * while the child is terminated, so a child that writes as it handles
 * {@code SIGTERM} is not held up by a full pipe.
 */
final class CallerRunSession implements RunSession {
    private final ChildProcess child;
    private final CallerStdio.Pump pump;
    private final Run.Overflow overflow;
    private volatile boolean killed;
    private Thread afterTimeout; // reads on while the caller terminates the child
    private volatile IOException failure;

    CallerRunSession(ChildProcess child, CallerStdio stdio, RunInput input, Capture out, Capture err,
            Run.Overflow overflow) {
        this.child = child;
        this.overflow = overflow;
        InputStream in = input.bytes != null ? new ByteArrayInputStream(input.bytes) : input.stream;
        this.pump = stdio.pump(in, (b, off, len) -> overflowed(out.append(b, off, len)),
                (b, off, len) -> overflowed(err.append(b, off, len)));
    }

    private void overflowed(boolean truncated) {
        if (truncated && overflow == Run.Overflow.KILL && !killed) {
            killed = true;
            child.destroyForcibly();
        }
    }

    @Override
    public ChildProcess child() {
        return child;
    }

    /** Nothing here: {@link #awaitEnd} feeds stdin as it reads. */
    @Override
    public void feed(long deadline) {
    }

    /** Pumps to the end of the streams, then waits for the exit, both until {@code deadline}. */
    @Override
    public boolean awaitEnd(long deadline) throws InterruptedException, IOException {
        if (pump.runUntil(deadline)) {
            if (deadline == Long.MAX_VALUE) {
                child.waitFor();
                return true;
            }
            return child.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        afterTimeout = new Thread(this::pumpToEnd, "safespawn-run-" + child.pid() + "-after-timeout");
        afterTimeout.setDaemon(true);
        afterTimeout.start();
        return false;
    }

    /** On {@link #afterTimeout}: the termination ends the streams (the exit, or the close after it). */
    private void pumpToEnd() {
        try {
            pump.runUntil(Long.MAX_VALUE);
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // nobody interrupts this thread
        }
    }

    @Override
    public void awaitCaptured() throws InterruptedException, IOException {
        if (afterTimeout != null) {
            afterTimeout.join();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean killedForOutput() {
        return killed;
    }
}
