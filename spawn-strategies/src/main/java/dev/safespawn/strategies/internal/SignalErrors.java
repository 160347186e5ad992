package dev.safespawn.strategies.internal;

import dev.safespawn.internal.Errno;

/** Turns a failed signal's errno into the {@link dev.safespawn.ChildProcess#signal} contract. */
public final class SignalErrors {
    private SignalErrors() {
    }

    /**
     * @return false when the target no longer exists (ESRCH)
     * @throws IllegalArgumentException for a signal number the kernel rejects
     * @throws IllegalStateException for anything else (EPERM)
     */
    public static boolean delivered(int errno, String target) {
        if (errno == Errno.ESRCH) {
            return false;
        }
        if (errno == Errno.EINVAL) {
            throw new IllegalArgumentException("signal " + target + ": invalid signal");
        }
        throw new IllegalStateException("signal " + target + ": " + Errno.message(errno) + " (" + Errno.name(errno) + ")");
    }
}
