package dev.safespawn;

import dev.safespawn.internal.Signals;

/**
 * How a child ended: it exited with a code, or a signal killed it. Immutable.
 *
 * <p>{@link java.lang.Process#exitValue()} folds both into one int (128 + signal
 * for a signal, as shells do); this type keeps them apart.
 */
public final class ExitStatus {
    private final boolean signaled;
    private final int value;

    private ExitStatus(boolean signaled, int value) {
        this.signaled = signaled;
        this.value = value;
    }

    /** The child called {@code exit(code)}; {@code code} is 0..255. */
    public static ExitStatus exited(int code) {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("exit code " + code + " is not in 0..255");
        }
        return new ExitStatus(false, code);
    }

    /** A signal (1 to 64) killed the child. */
    public static ExitStatus killedBy(int signal) {
        if (signal < 1 || signal >= Signals.NSIG) {
            throw new IllegalArgumentException("signal " + signal + " is not in 1.." + (Signals.NSIG - 1));
        }
        return new ExitStatus(true, signal);
    }

    /** True when the child exited by itself with a code. */
    public boolean exited() {
        return !signaled;
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
        if (signaled) {
            throw new IllegalStateException("killed by " + signalName() + ", no exit code");
        }
        return value;
    }

    /**
     * The signal that killed the child.
     *
     * @throws IllegalStateException if the child exited by itself
     */
    public int signal() {
        if (!signaled) {
            throw new IllegalStateException("exited with code " + value + ", not by a signal");
        }
        return value;
    }

    /** The signal's name, such as {@code SIGKILL}. @throws IllegalStateException as {@link #signal()} */
    public String signalName() {
        return Signals.name(signal());
    }

    /** The value {@link java.lang.Process#exitValue()} reports: the code, or 128 + signal. */
    public int exitValue() {
        return signaled ? 128 + value : value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitStatus s && s.signaled == signaled && s.value == value;
    }

    @Override
    public int hashCode() {
        return signaled ? -value : value;
    }

    @Override
    public String toString() {
        return signaled ? "killed by " + Signals.name(value) : "exited with code " + value;
    }
}
