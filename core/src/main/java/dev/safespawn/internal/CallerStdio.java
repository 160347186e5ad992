package dev.safespawn.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Not API: a child whose standard streams the calling platform thread can
 * serve by itself, with one {@code poll(2)} over all its pipes. A
 * run-and-capture on a platform thread uses it so that it wakes no other
 * thread: the kernel wakes the caller when output comes or the child ends.
 * Implemented by the children of the native strategies.
 */
public interface CallerStdio {
    /** Takes what one output stream carries, in order, on the pumping thread. */
    @FunctionalInterface
    interface Sink {
        /** Takes {@code length} bytes of {@code bytes} from {@code offset}; they are only valid during the call. */
        void accept(byte[] bytes, int offset, int length);
    }

    /** A pump in progress. One thread at a time runs it. */
    interface Pump {
        /**
         * Feeds stdin and reads stdout and stderr until both have ended and
         * the input is written (or the child stopped reading it), and where
         * the pumping thread can watch the child's exit itself (a pidfd),
         * until the child has ended too; or until {@code deadline}. Waits
         * only in {@code poll(2)}, never in a read or a write, so no stream
         * can hold up the others: no deadlock at any size. May be called again after it returned false or threw
         * {@link InterruptedException}, and goes on where it stopped.
         *
         * @param deadline a {@link System#nanoTime()} value; {@code Long.MAX_VALUE}
         *        for none; one already passed still does what needs no waiting
         * @return true once everything has ended; false at the deadline
         * @throws InterruptedException if the thread is interrupted while waiting
         * @throws IOException if a pipe failed other than by ending, or
         *         reading {@code input} failed
         */
        boolean runUntil(long deadline) throws IOException, InterruptedException;
    }

    /**
     * A pump for this child's standard streams. Only for a platform thread:
     * on a virtual thread its {@code poll(2)} would pin the carrier.
     *
     * @param input what to write to stdin, then closing it; null to close it at
     *        once; read on the pumping thread, one chunk when the last is written
     * @param stdout takes stdout; a stream that is no pipe counts as ended
     * @param stderr takes stderr; likewise
     * @return a pump that has not started yet
     */
    Pump pump(InputStream input, Sink stdout, Sink stderr);
}
