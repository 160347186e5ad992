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
 */
public final class ExitStatus implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean signaled;
    private final int value;
    private final String lostReason; // non-null only for a lost child

    private ExitStatus(boolean signaled, int value, String lostReason) {
        this.signaled = signaled;
        this.value = value;
        this.lostReason = lostReason;
    }

    /** The child called {@code exit(code)}; {@code code} is 0..255. */
    public static ExitStatus exited(int code) {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("exit code " + code + " is not in 0..255");
        }
        return new ExitStatus(false, code, null);
    }

    /** A signal (1 to 64) killed the child. */
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
     * @throws NullPointerException if {@code reason} is null
     */
    public static ExitStatus lost(String reason) {
        return new ExitStatus(false, -1, java.util.Objects.requireNonNull(reason, "reason"));
    }

    /** True when the child's end could not be observed; see {@link #lostReason()}. */
    public boolean lost() {
        return lostReason != null;
    }

    /** Why the end was not observed; empty unless {@link #lost()}. */
    public java.util.Optional<String> lostReason() {
        return java.util.Optional.ofNullable(lostReason);
    }

    /** True when the child exited by itself with a code. */
    public boolean exited() {
        return !signaled && lostReason == null;
    }

    /** True when a signal killed the child. */
    public boolean signaled() {
        return signaled;
    }

    /**
     * The exit code.
     *
     * @throws IllegalStateException if a signal killed the child
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
     * @throws IllegalStateException if the child was not killed by a signal
     */
    public int signal() {
        if (!signaled) {
            throw new IllegalStateException(this + ", not by a signal");
        }
        return value;
    }

    /** The signal's name, such as {@code SIGKILL}. @throws IllegalStateException as {@link #signal()} */
    public String signalName() {
        return Signal.name(signal());
    }

    /** The value {@link java.lang.Process#exitValue()} reports: the code, 128 + signal, or -1 if lost. */
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
