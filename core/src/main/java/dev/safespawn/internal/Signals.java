package dev.safespawn.internal;

import java.util.Locale;
import java.util.Objects;

/**
 * Names and numbers of Linux signals, as numbered on x86-64 (aarch64 and the
 * other generic-ABI architectures use the same numbers; Alpha, MIPS, SPARC and
 * PA-RISC do not, and are not supported).
 *
 * <p>Real-time signals are named relative to {@code SIGRTMIN}/{@code SIGRTMAX}
 * the way {@code kill -l} does, because the absolute numbers are what users
 * see in exit statuses ({@code 128 + n}) while the relative names are what they
 * type.
 */
public final class Signals {

    /** Hangup. */
    public static final int SIGHUP = 1;
    /** Interrupt from the keyboard. */
    public static final int SIGINT = 2;
    /** Quit from the keyboard (dumps core by default). */
    public static final int SIGQUIT = 3;
    /** Kill; cannot be caught, blocked or ignored. */
    public static final int SIGKILL = 9;
    /** User-defined signal 1. */
    public static final int SIGUSR1 = 10;
    /** Write to a pipe with no readers. */
    public static final int SIGPIPE = 13;
    /** Polite termination request. */
    public static final int SIGTERM = 15;
    /** Child stopped, continued or terminated. */
    public static final int SIGCHLD = 17;
    /** Continue if stopped. */
    public static final int SIGCONT = 18;
    /** Stop; cannot be caught, blocked or ignored. */
    public static final int SIGSTOP = 19;
    /**
     * One more than the highest signal number (glibc's {@code _NSIG}); valid
     * signal numbers are {@code 1 .. NSIG - 1}.
     */
    public static final int NSIG = 65;

    /** The kernel's first real-time signal. */
    private static final int RTMIN = 34;
    /** The kernel's last real-time signal. */
    private static final int RTMAX = NSIG - 1;
    /**
     * Real-time signals up to and including this number are named
     * {@code SIGRTMIN+k}, the rest {@code SIGRTMAX-k}; this is the split
     * {@code kill -l} uses, halfway through the range.
     */
    private static final int RT_SPLIT = RTMIN + (RTMAX - RTMIN) / 2;

    /**
     * Classic signal names indexed by number, without the {@code SIG} prefix.
     * 32 and 33 are real-time signals that glibc reserves for its own use
     * (thread cancellation and {@code setxid}), so glibc's {@code SIGRTMIN} is
     * 34 and those two only have numeric names.
     */
    private static final String[] NAMES = {
        null,
        "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",         // 1-8
        "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT",  // 9-16
        "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",     // 17-24
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",             // 25-31
        "32", "33",                                                        // 32-33
    };

    private Signals() {
        // static helpers only
    }

    /**
     * Returns the name of a Linux x86-64 signal, e.g. {@code "SIGTERM"} for 15
     * or {@code "SIGRTMIN+2"} for 36.
     *
     * <p>For numbers with an alias the canonical name is returned
     * ({@code SIGABRT} for 6, not {@code SIGIOT}; {@code SIGIO} for 29, not
     * {@code SIGPOLL}; {@code SIGCHLD} for 17, not {@code SIGCLD}).
     *
     * @param sig the signal number
     * @return the name, or {@code "signal " + sig} if {@code sig} is outside
     *         {@code 1 .. NSIG - 1}
     */
    public static String name(int sig) {
        if (sig > 0 && sig < NAMES.length) {
            return "SIG" + NAMES[sig];
        }
        if (sig == RTMIN) {
            return "SIGRTMIN";
        }
        if (sig > RTMIN && sig <= RT_SPLIT) {
            return "SIGRTMIN+" + (sig - RTMIN);
        }
        if (sig > RT_SPLIT && sig < RTMAX) {
            return "SIGRTMAX-" + (RTMAX - sig);
        }
        if (sig == RTMAX) {
            return "SIGRTMAX";
        }
        return "signal " + sig;
    }

    /**
     * Parses a signal given by name or number, as a user would write it for
     * {@code kill}.
     *
     * <p>Accepted forms, case-insensitively and with or without the
     * {@code SIG} prefix: every name {@link #name(int)} produces
     * ({@code "TERM"}, {@code "sigterm"}, {@code "RTMIN+3"},
     * {@code "SIGRTMAX-1"}, {@code "SIG32"}), the aliases {@code IOT},
     * {@code CLD} and {@code POLL}, and a plain decimal number in
     * {@code 1 .. NSIG - 1}.
     *
     * @param name the signal name or number
     * @return the signal number, or {@code -1} if {@code name} is not a
     *         recognised signal
     * @throws NullPointerException if {@code name} is null
     */
    public static int number(String name) {
        Objects.requireNonNull(name, "name");
        if (isDigits(name)) {
            return inRange(Integer.parseInt(name));
        }
        // Locale.ROOT so that e.g. "int" does not become "İNT" in a Turkish locale.
        String s = name.toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].equals(s)) {
                return i;
            }
        }
        switch (s) {
            case "IOT":
                return 6;
            case "CLD":
                return SIGCHLD;
            case "POLL":
                return 29;
            case "RTMIN":
                return RTMIN;
            case "RTMAX":
                return RTMAX;
            default:
                break;
        }
        if (s.startsWith("RTMIN+") && isDigits(s.substring(6))) {
            return rtInRange(RTMIN + Integer.parseInt(s.substring(6)));
        }
        if (s.startsWith("RTMAX-") && isDigits(s.substring(6))) {
            return rtInRange(RTMAX - Integer.parseInt(s.substring(6)));
        }
        return -1;
    }

    /**
     * True for 1 to 3 ASCII digits. The length cap keeps {@code parseInt} from
     * overflowing and is ample, since no signal number has more than 2 digits;
     * rejecting signs and non-ASCII digits keeps {@code "+9"} or {@code "٩"}
     * from being taken as signal 9.
     */
    private static boolean isDigits(String s) {
        if (s.isEmpty() || s.length() > 3) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int inRange(int sig) {
        return sig > 0 && sig < NSIG ? sig : -1;
    }

    private static int rtInRange(int sig) {
        return sig >= RTMIN && sig <= RTMAX ? sig : -1;
    }
}
