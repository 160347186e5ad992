package dev.safespawn.cli;

import dev.safespawn.ChildProcess;
import dev.safespawn.Signal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * Waits for a child for at most a limit, then stops it the way coreutils'
 * {@code timeout -k} does: {@code SIGTERM} so it can clean up, and
 * {@code SIGKILL} if it is still there after a grace period.
 */
final class GracefulTimeout {
    /** How long a child gets between SIGTERM and SIGKILL. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    private final Duration limit;
    private final Duration grace;

    GracefulTimeout(Duration limit, Duration grace) {
        this.limit = limit;
        this.grace = grace;
    }

    /**
     * Waits until {@code child} ends or the limit expires; in the second case
     * stops it through {@code signaller} (the child itself, or its whole
     * process group) and waits for its end.
     *
     * @return true if the limit expired, even if the child ended on its own in the meantime
     */
    boolean awaitOrStop(ChildProcess child, IntPredicate signaller) throws InterruptedException {
        if (child.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        // The return values are ignored on purpose: false only means the child has already been reaped.
        signaller.test(Signal.TERM);
        if (!child.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
            signaller.test(Signal.KILL);
            child.waitFor();
        }
        return true;
    }
}
