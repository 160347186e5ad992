package dev.safespawn.nuprocess;

import dev.safespawn.ExitStatus;

/**
 * The ints NuProcess reports where safespawn has an {@link ExitStatus}: the
 * one place that folds a typed end into NuProcess's single number.
 */
final class ExitCodes {
    /** What NuProcess passes to {@code onExit} when the child could not be started. */
    static final int LAUNCH_FAILED = Integer.MIN_VALUE;
    /** What NuProcess's {@code waitFor} returns when its timeout expires first. */
    static final int TIMED_OUT = Integer.MIN_VALUE;
    /** What NuProcess reports when the end cannot be known (its {@code waitpid} failing with {@code ECHILD}). */
    static final int UNKNOWN = Integer.MAX_VALUE;

    private ExitCodes() {
    }

    /**
     * The number NuProcess 3.0 on Linux would report for {@code status}: the
     * exit code; for a signal, the bare signal number (as NuProcess does, so
     * {@code SIGTERM} reads 15); {@link #UNKNOWN} for a lost child.
     */
    static int of(ExitStatus status) {
        if (status.exited()) {
            return status.code();
        }
        if (status.signaled()) {
            return status.signal();
        }
        return UNKNOWN;
    }
}
