package dev.safespawn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** The event loop reads and writes; this thread only waits. */
final class AsyncRunSession implements RunSession, ChildHandler {
    private final RunInput input;
    private final Capture out;
    private final Capture err;
    private final Run.Overflow overflow;
    private final AsyncChild child;
    private final Semaphore room = new Semaphore(0);
    private volatile boolean killed;

    AsyncRunSession(Spawner spawner, Command command, RunInput input, Capture out, Capture err, Run.Overflow overflow)
            throws IOException {
        this.input = input;
        this.out = out;
        this.err = err;
        this.overflow = overflow;
        this.child = spawner.spawnAsync(command, this);
    }

    @Override
    public void onStdout(ByteBuffer buffer, boolean closed) {
        overflowed(out.append(buffer));
    }

    @Override
    public void onStderr(ByteBuffer buffer, boolean closed) {
        overflowed(err.append(buffer));
    }

    private void overflowed(boolean truncated) {
        if (truncated && overflow == Run.Overflow.KILL && !killed) {
            killed = true;
            child.process().destroyForcibly();
        }
    }

    @Override
    public ChildProcess child() {
        return child.process();
    }

    @Override
    public void feed(long deadline) throws IOException, InterruptedException {
        if (input.bytes != null) {
            child.writeStdin(ByteBuffer.wrap(input.bytes));
        } else if (input.stream != null) {
            copyStream(deadline);
        }
        child.closeStdin(false);
    }

    /**
     * One chunk at a time, so memory stays bounded: the next is read once
     * the loop has written the last and the pipe has room again, which it
     * reports through {@link #onStdinReady}.
     */
    private void copyStream(long deadline) throws IOException, InterruptedException {
        byte[] chunk = new byte[64 * 1024];
        int n;
        while ((n = input.stream.read(chunk)) >= 0) {
            child.writeStdin(ByteBuffer.wrap(chunk.clone(), 0, n));
            child.wantWrite();
            long left = deadline - System.nanoTime();
            if (left <= 0 || !room.tryAcquire(left, TimeUnit.NANOSECONDS) || !child.process().isAlive()) {
                return; // out of time (the caller terminates the child) or the child has ended
            }
        }
    }

    /** The queued chunk is written and the pipe has room: let the feeder go on. Writes nothing itself. */
    @Override
    public boolean onStdinReady(ByteBuffer buffer) {
        buffer.flip(); // empty: nothing to write from here
        room.release();
        return false;
    }

    /** A feeder waiting for room must not wait for a child that has gone. */
    @Override
    public void onExit(ExitStatus status) {
        room.release();
    }

    /**
     * Waits for the handler's completion, not for the child: the loop
     * reaps, delivers the last bytes and completes, and this thread wakes
     * once, instead of waking for the exit and again for the output.
     */
    @Override
    public boolean awaitEnd(long deadline) throws InterruptedException {
        return RunSession.awaitDone(child.completion(), deadline);
    }

    @Override
    public void awaitCaptured() throws InterruptedException {
        try {
            child.completion().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the completion never fails", e);
        }
    }

    @Override
    public boolean killedForOutput() {
        return killed;
    }
}
