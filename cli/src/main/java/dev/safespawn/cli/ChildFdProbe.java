package dev.safespawn.cli;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts a shell through one named strategy and asks it which descriptors it
 * holds: the live half of {@code safespawn doctor}.
 */
final class ChildFdProbe {

    /**
     * Lists the shell's own open descriptors, one number a line, using only
     * built-ins so no other process is involved. Two details keep it exact:
     * {@code /proc/$$} is the shell itself (not an {@code ls} that would add its
     * own directory descriptor), and expanding the glob briefly opens the
     * directory, so that descriptor shows up in the listing; by the time the
     * loop runs it is closed, and {@code [ -L ]} (lstat on the fd link, which
     * exists exactly while the descriptor is open) drops it. {@code if} rather
     * than {@code &&} so the loop's status does not depend on the last entry.
     */
    static final String SCRIPT =
            "for f in /proc/$$/fd/*; do if [ -L \"$f\" ]; then echo \"${f##*/}\"; fi; done";

    private static final long TIMEOUT_SECONDS = 10;

    private ChildFdProbe() {
    }

    /**
     * The descriptors a child started by {@code strategy} holds, ascending.
     *
     * @throws IOException with a one-line reason when the child cannot be
     *         started, fails, times out or answers something unexpected
     */
    static SortedSet<Integer> run(String strategy) throws IOException {
        Spawner spawner;
        try {
            spawner = Spawner.of(strategy);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new IOException(e.getMessage(), e);
        }
        try (spawner) {
            return run(spawner, command().build());
        }
    }

    /** The probe command, for callers that add settings (tests pass a descriptor on purpose). */
    static Command.Builder command() {
        // stdin from /dev/null: the shell never reads, and a pipe would only be one more thing to close.
        return Command.builder("/bin/sh", "-c", SCRIPT).stdin(Redirect.DISCARD);
    }

    /**
     * The descriptors {@code probe}, a {@link #command()}, holds when started by
     * {@code spawner}.
     *
     * @throws IOException as {@link #run(String)}
     */
    static SortedSet<Integer> run(Spawner spawner, Command probe) throws IOException {
        return collect(spawner.spawn(probe));
    }

    private static SortedSet<Integer> collect(ChildProcess child) throws IOException {
        // The reads below block until the shell closes its pipes; a watchdog
        // bounds that, because a doctor that can hang is worse than one that fails.
        AtomicBoolean timedOut = new AtomicBoolean();
        CompletableFuture.delayedExecutor(TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(() -> {
            if (child.isAlive()) {
                timedOut.set(true);
                child.destroyForcibly();
            }
        });
        String out;
        String err;
        // Output is a few bytes, so reading stdout to the end before stderr cannot fill a pipe.
        try (InputStream stdout = child.getInputStream(); InputStream stderr = child.getErrorStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            child.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
            throw new IOException("interrupted while waiting for the probe shell", e);
        }
        if (timedOut.get()) {
            throw new IOException("the probe shell did not finish within " + TIMEOUT_SECONDS + " s");
        }
        ExitStatus status = child.exitStatus();
        if (!status.exited() || status.code() != 0) {
            String detail = err.isBlank() ? "" : ": " + err.strip().lines().findFirst().orElse("");
            throw new IOException("the probe shell ended with " + status + detail);
        }
        return parse(out);
    }

    /** The numbers the script printed; anything else means the probe itself went wrong. */
    static SortedSet<Integer> parse(String output) throws IOException {
        SortedSet<Integer> fds = new TreeSet<>();
        for (String line : output.strip().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                fds.add(Integer.parseInt(line.strip()));
            } catch (NumberFormatException e) {
                throw new IOException("unexpected probe output: " + line.strip(), e);
            }
        }
        if (fds.isEmpty()) {
            // An unmatched glob stays literal and fails [ -L ]: there is no /proc to read.
            throw new IOException("the probe shell listed no descriptors; is /proc mounted?");
        }
        return fds;
    }
}
