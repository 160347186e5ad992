package dev.safespawn;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One run's child and the machinery that feeds and drains it. */
interface RunSession {
    ChildProcess child();

    /** Writes the input (an {@code InputStream}'s on this thread, until the deadline), then closes stdin. */
    void feed(long deadline) throws IOException, InterruptedException;

    /**
     * Waits until the child has ended or the deadline ({@link System#nanoTime()}) passes.
     *
     * @return whether it ended
     */
    boolean awaitEnd(long deadline) throws InterruptedException, IOException;

    /** Waits until both streams have been captured to their end (the child has exited). */
    void awaitCaptured() throws InterruptedException, IOException;

    boolean killedForOutput();

    /** Waits for {@code f} until the deadline ({@link System#nanoTime()}; {@code Long.MAX_VALUE}: none). */
    static boolean awaitDone(Future<?> f, long deadline) throws InterruptedException {
        try {
            if (deadline == Long.MAX_VALUE) {
                f.get();
            } else {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("an exit future never fails", e);
        }
    }
}
