package dev.safespawn;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Linux signal numbers, as {@link ChildProcess#signal(int)},
 * {@link ChildProcess#signalGroup(int)} and {@link ExitStatus#signal()} take
 * and give them, with their names both ways for messages and command lines:
 * {@code child.signal(Signal.TERM)}, {@code Signal.name(15)} is
 * {@code "SIGTERM"}, {@code Signal.number("sigterm")} is 15.
 *
 * <p>Why a class of {@code int} constants and not an enum: signals are
 * {@code int}s everywhere they meet this library — in {@code ChildProcess},
 * in {@code ExitStatus}, in {@code 128 + n} exit values, in {@code kill(2)} —
 * and 30 of the 64 numbers (the real-time signals and the two glibc keeps for
 * itself) have no name of their own. An enum would need a second overload of
 * every signal-taking method and could still not express every number.
 *
 * <p>The numbers are those of x86-64 and aarch64 (and every other architecture
 * on the kernel's generic ABI); Alpha, MIPS, SPARC and PA-RISC number some
 * signals differently and are not supported. Real-time signals are numbered
 * as glibc exposes them, {@link #RTMIN} to {@link #RTMAX}, and named relative
 * to those ends the way {@code kill -l} does: the absolute numbers are what
 * exit statuses show, the relative names are what people type.
 *
 * <p>Guaranteed: every constant, {@link #name(int)} and {@link #number(String)}
 * agree with each other and with the kernel's numbering, and
 * {@code number(name(n))} is {@code n} for every valid {@code n}. Not an
 * instance type; every method is static, stateless and thread-safe.
 * {@link #number(String)} rejects {@code null} with a
 * {@link NullPointerException}; {@link #name(int)} accepts any {@code int}.
 */
public final class Signal {

    /** {@code SIGHUP}: the terminal hung up, or "reload your configuration". */
    public static final int HUP = 1;
    /** {@code SIGINT}: interrupt from the keyboard (Ctrl-C). */
    public static final int INT = 2;
    /** {@code SIGQUIT}: quit from the keyboard (Ctrl-\); dumps core by default. */
    public static final int QUIT = 3;
    /** {@code SIGILL}: illegal instruction. */
    public static final int ILL = 4;
    /** {@code SIGTRAP}: trace or breakpoint trap. */
    public static final int TRAP = 5;
    /** {@code SIGABRT} (alias {@code SIGIOT}): {@code abort(3)}. */
    public static final int ABRT = 6;
    /** {@code SIGBUS}: bus error, such as touching a truncated mapped file. */
    public static final int BUS = 7;
    /** {@code SIGFPE}: arithmetic error, such as an integer division by zero. */
    public static final int FPE = 8;
    /** {@code SIGKILL}: kill; cannot be caught, blocked or ignored. */
    public static final int KILL = 9;
    /** {@code SIGUSR1}: user-defined signal 1. */
    public static final int USR1 = 10;
    /** {@code SIGSEGV}: invalid memory reference. */
    public static final int SEGV = 11;
    /** {@code SIGUSR2}: user-defined signal 2. */
    public static final int USR2 = 12;
    /** {@code SIGPIPE}: write to a pipe or socket with no reader. */
    public static final int PIPE = 13;
    /** {@code SIGALRM}: timer from {@code alarm(2)}. */
    public static final int ALRM = 14;
    /** {@code SIGTERM}: polite termination request; what {@link Process#destroy()} sends. */
    public static final int TERM = 15;
    /** {@code SIGSTKFLT}: unused by Linux on x86-64 and aarch64; kept so every number 1 to 31 has its name. */
    public static final int STKFLT = 16;
    /** {@code SIGCHLD} (alias {@code SIGCLD}): a child stopped, continued or ended. */
    public static final int CHLD = 17;
    /** {@code SIGCONT}: continue if stopped. */
    public static final int CONT = 18;
    /** {@code SIGSTOP}: stop; cannot be caught, blocked or ignored. */
    public static final int STOP = 19;
    /** {@code SIGTSTP}: stop from the keyboard (Ctrl-Z). */
    public static final int TSTP = 20;
    /** {@code SIGTTIN}: a background process read from its terminal. */
    public static final int TTIN = 21;
    /** {@code SIGTTOU}: a background process wrote to its terminal. */
    public static final int TTOU = 22;
    /** {@code SIGURG}: urgent data on a socket. */
    public static final int URG = 23;
    /** {@code SIGXCPU}: CPU time limit exceeded ({@code RLIMIT_CPU}). */
    public static final int XCPU = 24;
    /** {@code SIGXFSZ}: file size limit exceeded ({@code RLIMIT_FSIZE}). */
    public static final int XFSZ = 25;
    /** {@code SIGVTALRM}: virtual timer expired. */
    public static final int VTALRM = 26;
    /** {@code SIGPROF}: profiling timer expired. */
    public static final int PROF = 27;
    /** {@code SIGWINCH}: the terminal window changed size. */
    public static final int WINCH = 28;
    /** {@code SIGIO} (alias {@code SIGPOLL}): I/O is possible on a descriptor. */
    public static final int IO = 29;
    /** {@code SIGPWR}: power failure. */
    public static final int PWR = 30;
    /** {@code SIGSYS}: bad system call, or one a seccomp filter refused. */
    public static final int SYS = 31;
    /**
     * {@code SIGRTMIN} as glibc defines it: the first real-time signal an
     * application may use. The kernel's first is 32; glibc keeps 32 and 33 for
     * itself (thread cancellation and {@code setxid}), which is why they have
     * only the numeric names {@code SIG32} and {@code SIG33}.
     */
    public static final int RTMIN = 34;
    /** {@code SIGRTMAX}: the last real-time signal, and the highest signal number there is. */
    public static final int RTMAX = 64;

    /**
     * Real-time signals up to and including this number are named
     * {@code SIGRTMIN+k}, the rest {@code SIGRTMAX-k}; this is the split
     * {@code kill -l} uses, halfway through the range.
     */
    private static final int RT_SPLIT = RTMIN + (RTMAX - RTMIN) / 2;

    /**
     * Names indexed by number, without the {@code SIG} prefix, for every
     * number below {@link #RTMIN}.
     */
    private static final String[] NAMES = {
        null,
        "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",         // 1-8
        "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT",  // 9-16
        "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",     // 17-24
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",             // 25-31
        "32", "33",                                                        // 32-33
    };

    private Signal() {
        // constants and static look-ups only
    }

    /**
     * The name of signal {@code signal}, such as {@code "SIGTERM"} for 15 or
     * {@code "SIGRTMIN+2"} for 36, as {@code kill -l} prints it.
     *
     * <p>A number with an alias gets its canonical name ({@code SIGABRT} for
     * 6, not {@code SIGIOT}; {@code SIGCHLD} for 17, not {@code SIGCLD};
     * {@code SIGIO} for 29, not {@code SIGPOLL}).
     *
     * @param signal any number
     * @return the name; for a number outside {@code 1 ..} {@link #RTMAX},
     *         {@code "signal " + signal}, so that a message can always use it
     */
    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.length) {
            return "SIG" + NAMES[signal];
        }
        if (signal == RTMIN) {
            return "SIGRTMIN";
        }
        if (signal > RTMIN && signal <= RT_SPLIT) {
            return "SIGRTMIN+" + (signal - RTMIN);
        }
        if (signal > RT_SPLIT && signal < RTMAX) {
            return "SIGRTMAX-" + (RTMAX - signal);
        }
        if (signal == RTMAX) {
            return "SIGRTMAX";
        }
        return "signal " + signal;
    }

    /**
     * The number of the signal called {@code name}, as a user would write it
     * for {@code kill}.
     *
     * <p>Accepted, ignoring case and with or without the {@code SIG} prefix:
     * every name {@link #name(int)} produces ({@code "TERM"},
     * {@code "sigterm"}, {@code "RTMIN+3"}, {@code "SIGRTMAX-1"},
     * {@code "SIG32"}), the aliases {@code IOT}, {@code CLD} and {@code POLL},
     * and a plain decimal number from 1 to {@link #RTMAX}. Nothing else: no
     * sign, no surrounding spaces, no non-ASCII digits.
     *
     * @param name a signal name or number
     * @return the number, or empty if {@code name} is no signal
     * @throws NullPointerException if {@code name} is null
     */
    public static OptionalInt number(String name) {
        Objects.requireNonNull(name, "name");
        if (isDigits(name)) {
            return inRange(Integer.parseInt(name), 1);
        }
        // Locale.ROOT so that e.g. "int" does not become "İNT" in a Turkish locale.
        String s = name.toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].equals(s)) {
                return OptionalInt.of(i);
            }
        }
        switch (s) {
            case "IOT":
                return OptionalInt.of(ABRT);
            case "CLD":
                return OptionalInt.of(CHLD);
            case "POLL":
                return OptionalInt.of(IO);
            case "RTMIN":
                return OptionalInt.of(RTMIN);
            case "RTMAX":
                return OptionalInt.of(RTMAX);
            default:
                break;
        }
        if (s.startsWith("RTMIN+") && isDigits(s.substring(6))) {
            return inRange(RTMIN + Integer.parseInt(s.substring(6)), RTMIN);
        }
        if (s.startsWith("RTMAX-") && isDigits(s.substring(6))) {
            return inRange(RTMAX - Integer.parseInt(s.substring(6)), RTMIN);
        }
        return OptionalInt.empty();
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

    private static OptionalInt inRange(int signal, int lowest) {
        return signal >= lowest && signal <= RTMAX ? OptionalInt.of(signal) : OptionalInt.empty();
    }
}
