package dev.safespawn;

/**
 * How a child ended: it exited with a code, a signal killed it, or its end
 * could not be observed (a zygote server that died, or a child reaped behind
 * the library's back), which is reported as {@link #lost(String)} and never
 * as an invented exit code. Immutable and thread-safe; no method returns null.
 *
 * <p>{@link java.lang.Process#exitValue()} folds these into one int (128 +
 * signal for a signal, as shells do, and -1 for a lost child); this type keeps
 * them apart. Serializable, so it travels with exceptions between JVMs.
 *
 * <p>Null policy: {@link #lost(String)} rejects a null reason with
 * {@link NullPointerException}; the other factories take only numbers.
 * Guaranteed: exactly one of {@link #exited()}, {@link #signaled()} and
 * {@link #lost()} is true, and two instances are equal when they describe
 * the same end (same kind, same code or signal, same lost reason).
 */
public final class ExitStatus implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Whether a signal killed the child. */
    private final boolean signaled;
    /** The exit code, the signal number, or -1 for a lost child. */
    private final int value;
    /** Why the end was not observed; non-null only for a lost child. */
    private final String lostReason;

    private ExitStatus(boolean signaled, int value, String lostReason) {
        this.signaled = signaled;
        this.value = value;
        this.lostReason = lostReason;
    }

    /**
     * The child called {@code exit(code)}.
     *
     * @param code the exit code, 0 to 255
     * @return a status for which {@link #exited()} is true and {@link #code()} is {@code code}
     * @throws IllegalArgumentException if {@code code} is not in 0..255
     */
    public static ExitStatus exited(int code) {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("exit code " + code + " is not in 0..255");
        }
        return new ExitStatus(false, code, null);
    }

    /**
     * A signal killed the child.
     *
     * @param signal the signal number, 1 to {@link Signal#RTMAX} (64)
     * @return a status for which {@link #signaled()} is true and {@link #signal()} is {@code signal}
     * @throws IllegalArgumentException if {@code signal} is not in 1..{@link Signal#RTMAX}
     */
    public static ExitStatus killedBy(int signal) {
        if (signal < 1 || signal > Signal.RTMAX) {
            throw new IllegalArgumentException("signal " + signal + " is not in 1.." + Signal.RTMAX);
        }
        return new ExitStatus(true, signal, null);
    }

    /**
     * The child's end could not be observed, for {@code reason}: for example
     * the zygote server that reaped it died (its children die with it), or
     * something else in the process reaped it ({@code SIGCHLD} ignored, a
     * {@code waitpid(-1)}), so its status is gone. {@link #exitValue()} is
     * then -1.
     *
     * @param reason why the end is unknown, for people; not null, may be empty
     * @return a status for which {@link #lost()} is true
     * @throws NullPointerException if {@code reason} is null
     */
    public static ExitStatus lost(String reason) {
        return new ExitStatus(false, -1, java.util.Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Whether the child's end could not be observed; see {@link #lostReason()}.
     *
     * @return true for a status made by {@link #lost(String)}
     */
    public boolean lost() {
        return lostReason != null;
    }

    /**
     * Why the end was not observed.
     *
     * @return the reason given to {@link #lost(String)}; empty unless {@link #lost()}
     */
    public java.util.Optional<String> lostReason() {
        return java.util.Optional.ofNullable(lostReason);
    }

    /**
     * Whether the child exited by itself with a code.
     *
     * @return true for a status made by {@link #exited(int)}
     */
    public boolean exited() {
        return !signaled && lostReason == null;
    }

    /**
     * Whether a signal killed the child.
     *
     * @return true for a status made by {@link #killedBy(int)}
     */
    public boolean signaled() {
        return signaled;
    }

    /**
     * The exit code.
     *
     * @return the code, 0 to 255
     * @throws IllegalStateException unless {@link #exited()}: if a signal
     *         killed the child, or its end was {@linkplain #lost() lost}
     */
    public int code() {
        if (!exited()) {
            throw new IllegalStateException(this + ", no exit code");
        }
        return value;
    }

    /**
     * The signal that killed the child.
     *
     * @return the signal number, 1 to {@link Signal#RTMAX}
     * @throws IllegalStateException if the child was not killed by a signal
     *         (it exited, or its end was lost)
     */
    public int signal() {
        if (!signaled) {
            throw new IllegalStateException(this + ", not by a signal");
        }
        return value;
    }

    /**
     * The name of the signal that killed the child.
     *
     * @return {@link Signal#name(int)} of {@link #signal()}, such as {@code SIGKILL}
     * @throws IllegalStateException if the child was not killed by a signal, as {@link #signal()}
     */
    public String signalName() {
        return Signal.name(signal());
    }

    /**
     * The value {@link java.lang.Process#exitValue()} reports for this end.
     *
     * @return the code (0 to 255), 128 + signal (129 to 192), or -1 if lost
     */
    public int exitValue() {
        return signaled ? 128 + value : value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitStatus s && s.signaled == signaled && s.value == value
                && java.util.Objects.equals(s.lostReason, lostReason);
    }

    @Override
    public int hashCode() {
        return signaled ? -value : value;
    }

    @Override
    public String toString() {
        if (lostReason != null) {
            return "end not observed: " + lostReason;
        }
        return signaled ? "killed by " + Signal.name(value) : "exited with code " + value;
    }
}
