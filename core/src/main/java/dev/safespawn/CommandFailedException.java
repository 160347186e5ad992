package dev.safespawn;

import java.io.IOException;

/**
 * A command run with {@link Run} did not succeed: it exited with non-zero,
 * was killed by a signal, ran out of time or out of output room. Thrown by
 * {@link RunResult#check()} (and by {@link Run.Builder#check()} runs). The
 * message names the command, how it ended and the tail of its standard
 * error; {@link #result()} has everything.
 *
 * <p>Immutable once thrown and thread-safe; {@link #result()} is never null,
 * except in a deserialised copy, which does not carry the result.
 */
public final class CommandFailedException extends IOException {
    private static final long serialVersionUID = 1L;
    /** How much of stderr's end the message quotes. */
    private static final int TAIL_CHARS = 1000;

    private final transient RunResult result;

    CommandFailedException(RunResult result) {
        super(describe(result));
        this.result = result;
    }

    /** {@return the run that failed; null only in a deserialised copy, which does not carry it} */
    public RunResult result() {
        return result;
    }

    private static String describe(RunResult r) {
        String how = r.timedOut() ? "timed out after " + r.elapsed().toMillis() + " ms and ended with " + r.status()
                : r.killedForOutput() ? "was killed for output past the limit (" + r.status() + ")"
                : "ended with " + r.status();
        String tail = r.tail(TAIL_CHARS);
        return "command " + r.command().argv() + " " + how + (tail.isEmpty() ? "" : ": " + tail);
    }
}
