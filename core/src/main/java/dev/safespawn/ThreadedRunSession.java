package dev.safespawn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** For children without a caller-side pump (the {@code jdk} strategy): a thread per piped stream. */
final class ThreadedRunSession implements RunSession {
    /** How long the pumps may take after the child's exit: Go's {@code WaitDelay}, for the JDK's blocked reads. */
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

    private final ChildProcess child;
    private final RunInput input;
    private final Run.Overflow overflow;
    private final Thread stdout;
    private final Thread stderr;
    private Thread stdin;
    private volatile boolean killed;
    private volatile IOException failure;

    ThreadedRunSession(ChildProcess child, RunInput input, Capture out, Capture err, Run.Overflow overflow) {
        this.child = child;
        this.input = input;
        this.overflow = overflow;
        this.stdout = pump(child.getInputStream(), out, "stdout");
        this.stderr = pump(child.getErrorStream(), err, "stderr");
    }

    private Thread pump(InputStream from, Capture into, String name) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[64 * 1024];
            try (from) {
                int n;
                while ((n = from.read(b)) >= 0) {
                    if (into.append(b, 0, n) && overflow == Run.Overflow.KILL && !killed) {
                        killed = true;
                        child.destroyForcibly();
                    }
                }
            } catch (IOException e) {
                if (!killed && child.isAlive()) {
                    failure = e; // not just the stream a kill or termination closed
                }
            }
        }, "safespawn-run-" + child.pid() + "-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public ChildProcess child() {
        return child;
    }

    /** On a thread of its own, so a child that does not read its stdin cannot hold up the timeout. */
    @Override
    public void feed(long deadline) {
        stdin = new Thread(() -> {
            try (OutputStream to = child.getOutputStream()) {
                if (input.bytes != null) {
                    to.write(input.bytes);
                } else if (input.stream != null) {
                    byte[] chunk = new byte[64 * 1024];
                    int n;
                    while (System.nanoTime() < deadline && (n = input.stream.read(chunk)) >= 0) {
                        to.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                if (child.isAlive()) {
                    failure = e; // a child that has exited simply stopped reading: not a failure of the run
                }
            }
        }, "safespawn-run-" + child.pid() + "-stdin");
        stdin.setDaemon(true);
        stdin.start();
    }

    @Override
    public boolean awaitEnd(long deadline) throws InterruptedException {
        return RunSession.awaitDone(child.onExit(), deadline);
    }

    /**
     * Waits for the pumps; once the child has exited, for at most
     * {@link #DRAIN_AFTER_EXIT} more. The JDK cannot wake a read already
     * blocked when the child exits, so a grandchild holding the pipe would
     * otherwise hold the run up: the pumps are then left to end with the
     * pipe (they are daemon threads), and what they had read is the result.
     */
    @Override
    public void awaitCaptured() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + DRAIN_AFTER_EXIT.toNanos();
        for (Thread t : new Thread[] {stdout, stderr, stdin}) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, left / 1_000_000));
            }
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
