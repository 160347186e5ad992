package dev.safespawn.reliability;

import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import dev.safespawn.testkit.Probe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the fault scenarios share: the bound a call must resolve within, how a
 * failure is judged, and how the zygote server of this JVM is found. Static
 * and thread-safe.
 */
final class Faults {
    /**
     * A call the issue says must resolve when a fault hits (return or throw)
     * does so within this. It is the promise being checked, not a pace:
     * the calls take milliseconds when things go right.
     */
    static final Duration RESOLVE_BOUND = Duration.ofSeconds(2);
    /**
     * How long a call may take before a scenario stops waiting and reports it
     * hung: far above any healthy call (milliseconds), yet short enough that a
     * call that never returns costs the short run little.
     */
    static final Duration HANG = Duration.ofSeconds(10);
    /** The file name every extracted zygote server binary starts with. */
    private static final String ZYGOTE_EXE_PREFIX = "safespawn-zygote-";

    private Faults() {
    }

    /**
     * What is wrong with {@code thrown} as the failure of a call hit by a
     * fault, or empty if nothing is: it must be an {@link IOException} (a
     * {@link SpawnException} is one) whose message names the
     * cause, one of {@code causes} (such as {@code EMFILE} or {@code Too many
     * open files}), and nothing in its cause chain may be a JNA type or an
     * {@link Error}: those are what a caller cannot be expected to catch.
     * {@code EAGAIN} or {@code ENOMEM} must not be blamed on the exec: they
     * are the child's creation failing.
     */
    static Optional<String> untyped(Throwable thrown, String... causes) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith("com.sun.jna.") || t instanceof Error) {
                return Optional.of("threw " + describe(thrown) + ", whose chain holds " + t.getClass().getName());
            }
        }
        if (!(thrown instanceof IOException)) {
            return Optional.of("threw " + describe(thrown) + ", not an IOException");
        }
        if (thrown instanceof SpawnException e && e.stage() == SpawnException.Stage.EXEC
                && (e.errnoName().equals("EAGAIN") || e.errnoName().equals("ENOMEM"))) {
            return Optional.of("threw " + describe(thrown) + ": the child's creation failing, blamed on the exec");
        }
        String message = String.valueOf(thrown.getMessage());
        for (String cause : causes) {
            if (message.contains(cause)) {
                return Optional.empty();
            }
        }
        return Optional.of("threw " + describe(thrown) + ", whose message names none of " + String.join(", ", causes));
    }

    static String describe(Throwable thrown) {
        return thrown.getClass().getName() + ": " + thrown.getMessage();
    }

    /** The probe in one of its modes, stdin and stderr discarded, stdout as given. */
    static Command.Builder probe(Redirect stdout, String... modeAndArgs) {
        return Command.builder(Probe.path().toString()).args(modeAndArgs)
                .stdin(Redirect.DISCARD).stdout(stdout).stderr(Redirect.DISCARD);
    }

    /**
     * The pids of this JVM's live zygote servers: its children whose
     * executable is an extracted server binary. A server that exited (a
     * zombie) has no executable left and is not among them.
     */
    static Set<Long> zygoteServers() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).filter(Faults::isZygoteServer)
                .collect(Collectors.toSet());
    }

    private static boolean isZygoteServer(long pid) {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
            return exe.getFileName().toString().startsWith(ZYGOTE_EXE_PREFIX);
        } catch (IOException e) {
            return false; // exited, or not ours to read
        }
    }

    /** The one zygote server started since {@code before} was taken; fails if there is not exactly one. */
    static long newZygoteServer(Set<Long> before) {
        Set<Long> now = new HashSet<>(zygoteServers());
        now.removeAll(before);
        if (now.size() != 1) {
            throw new IllegalStateException("expected one new zygote server among this JVM's children, found " + now);
        }
        return now.iterator().next();
    }

    static String millis(long nanos) {
        return String.format("%.1f", nanos / 1e6);
    }
}
