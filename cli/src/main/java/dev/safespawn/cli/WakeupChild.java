package dev.safespawn.cli;

import dev.safespawn.ExitStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The child of the wake-up pipe demo: a shell that tries to write one byte to
 * a descriptor it was never meant to have, and says through its exit status
 * whether it could. The exit status is its only channel because the bare
 * launch gives it no pipes of its own to talk through.
 */
final class WakeupChild {
    /** It wrote its byte: the descriptor leaked into it. */
    static final int WROTE = 0;
    /** The descriptor was open but the write failed. */
    static final int WRITE_FAILED = 1;
    /** The descriptor was not open (9 is EBADF's number, as a reminder). */
    static final int NOT_OPEN = 9;

    /**
     * Writes through {@code /proc/self/fd/$1} rather than {@code >&$1}, because
     * dash only takes single-digit descriptors in redirections and the pipe's
     * number is whatever the JVM hands out. {@code [ -e ]} and {@code printf} are
     * built-ins, so {@code /proc/self} is the shell itself. Its stderr is
     * silenced: the bare launch would let it scribble on the CLI's terminal.
     */
    static final String SCRIPT = "exec 2>/dev/null; "
            + "if [ -e /proc/self/fd/$1 ]; then printf x >/proc/self/fd/$1 && exit " + WROTE + "; exit "
            + WRITE_FAILED + "; fi; exit " + NOT_OPEN;

    private WakeupChild() {
    }

    /** The child's argv: try to write to {@code fd}. */
    static List<String> argv(int fd) {
        return List.of("/bin/sh", "-c", SCRIPT, "wakeup-child", String.valueOf(fd));
    }

    /** What one child said, in words. */
    static String describe(ExitStatus status, int fd) {
        if (status.exited() && status.code() == WROTE) {
            return "wrote a byte to fd " + fd;
        }
        if (status.exited() && status.code() == NOT_OPEN) {
            return "fd " + fd + " not open (EBADF)";
        }
        if (status.exited() && status.code() == WRITE_FAILED) {
            return "fd " + fd + " open, but the write failed";
        }
        return "unexpected: " + status;
    }

    /** Whether the child found the descriptor closed, the only outcome that keeps the contract. */
    static boolean foundItClosed(ExitStatus status) {
        return status.exited() && status.code() == NOT_OPEN;
    }

    /** What a batch of children said, such as {@code all 5: fd 9 not open (EBADF)}. */
    static String summarize(List<ExitStatus> statuses, int fd) {
        Map<String, Long> said = statuses.stream().collect(Collectors.groupingBy(
                s -> describe(s, fd), LinkedHashMap::new, Collectors.counting()));
        if (said.size() == 1) {
            return "all " + statuses.size() + ": " + said.keySet().iterator().next();
        }
        return said.entrySet().stream().map(e -> e.getValue() + ": " + e.getKey()).collect(Collectors.joining(", "));
    }
}
