package dev.safespawn.reliability;

import com.sun.jna.LastErrorException;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import dev.safespawn.reliability.BadInputs.AtBuild;
import dev.safespawn.reliability.BadInputs.AtSpawn;
import dev.safespawn.reliability.BadInputs.Case;
import dev.safespawn.reliability.BadInputs.Exits;
import dev.safespawn.reliability.BadInputs.Expect;
import dev.safespawn.reliability.BadInputs.Scratch;
import dev.safespawn.testkit.Probe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Hostile input: generated commands ({@link CommandPlans}) whose passed
 * descriptors collide, swap, cycle, land on 0 to 2 next to redirects, sit
 * near the descriptor limit or far above it, with argv and environment text
 * of every kind, each child's descriptor table checked by the probe against
 * the plan; then the fixed list of bad inputs ({@link BadInputs}), each
 * followed by an ordinary spawn that must work and checked to leave no
 * descriptor behind.
 */
final class HostileInput implements Scenario {
    /** The seed of the generated commands: a fixed one, so that a problem found can be found again. */
    static final long SEED = 0x5AFE5BA3L;
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final long CHILD_SECONDS = 30;

    @Override
    public String name() {
        return "hostile-input";
    }

    @Override
    public String description() {
        return "Generated commands (jqwik, seed " + SEED + "): the parent opens pipes close-on-exec and passes"
                + " their ends with collisions, swaps, cycles, a descriptor kept at its own number, targets 0-2"
                + " with and without redirects, numbers just below the soft RLIMIT_NOFILE, at it, four times it,"
                + " Integer.MAX_VALUE and negative; argv and environment with control bytes, non-ASCII, astral"
                + " characters, empty strings and tens of kilobytes; a working directory with a newline in its"
                + " name. Each must be rejected by build() naming passFd and the number, refused at spawn() with"
                + " the stage, error and number (and the limit), or run: then the probe's table must hold exactly"
                + " 0, 1, 2 and the passed numbers, each the very pipe end passed (device, inode, access mode),"
                + " none close-on-exec, with argv, environment and directory exact. Then the fixed list of bad"
                + " inputs (NUL bytes, = in a name, E2BIG, negative and closed descriptors, a directory that is a"
                + " file or missing, no execute bit, a missing interpreter, ENOEXEC, a relative program with a"
                + " directory, ...), each the promised error naming the field, no descriptor left, and the next"
                + " spawn fine. The case of a directory without permission is skipped when run as root, whom"
                + " permission bits do not stop.";
    }

    @Override
    public void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception {
        int generated = budget.pick(100, 2_000);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int limit = softDescriptorLimit();
        Path scratch = Files.createTempDirectory("safespawn-hostile-");
        try (Spawner spawner = configuration.open()) {
            boolean passesFds = spawner.features().contains(Feature.PASS_FD);
            Path odd = Files.createDirectory(scratch.resolve("odd dir \u00e9\n\t\u2603"));
            PlanCheck check = new PlanCheck(spawner, passesFds, limit, odd);
            int ran = 0;
            int rejected = 0;
            int refused = 0;
            int done = 0;
            for (CommandPlan plan : CommandPlans.sample(SEED, generated)) {
                if (System.nanoTime() > deadline) {
                    outcome.problem("only " + done + " of " + generated + " generated commands done within " + DEADLINE);
                    break;
                }
                PlanCheck.Result result = check.check(plan);
                result.problems().forEach(outcome::problem);
                if (result.expected() instanceof CommandPlan.Runs) {
                    ran++;
                } else if (result.expected() instanceof CommandPlan.Rejected) {
                    rejected++;
                } else {
                    refused++;
                }
                done++;
            }
            outcome.figure("generated", done);
            outcome.figure("ran, table checked", ran);
            outcome.figure("rejected at build()", rejected);
            outcome.figure("refused at spawn()", refused);
            List<Case> cases = BadInputs.all();
            Scratch files = Scratch.make(scratch, closedDescriptor(limit));
            for (Case c : cases) {
                runCase(spawner, c, c.expect(configuration.strategy(), passesFds), files, outcome);
            }
            outcome.figure("fixed cases", cases.size());
            outcome.figure("fixed cases skipped", BadInputs.permissionsBind() ? "0"
                    : "1 (no permission to enter a directory: run as root)");
        } finally {
            deleteTree(scratch);
        }
        outcome.figure("RLIMIT_NOFILE", limit);
    }

    /** Runs one fixed case, then an ordinary spawn; records anything that differs from {@code expect}, or left open. */
    static void runCase(Spawner spawner, Case c, Expect expect, Scratch files, Outcome outcome)
            throws InterruptedException {
        Set<String> before = Residue.openFds();
        String what = attempt(spawner, c, expect, files);
        if (what != null) {
            outcome.problem(c.name() + ": " + what);
        }
        String after = ordinarySpawn(spawner);
        if (after != null) {
            outcome.problem("the spawn after \"" + c.name() + "\" failed: " + after);
        }
        Set<String> left = new TreeSet<>(Residue.openFds());
        left.removeAll(before);
        if (!left.isEmpty()) {
            outcome.problem(c.name() + ": descriptors left open: " + left);
        }
    }

    /** What went differently from {@code expect}, or null. */
    private static String attempt(Spawner spawner, Case c, Expect expect, Scratch files) throws InterruptedException {
        Command command;
        try {
            command = c.command().apply(files).build();
        } catch (IllegalArgumentException e) {
            return expect instanceof AtBuild b && e.getMessage().startsWith(b.field()) ? null
                    : "build() said \"" + e.getMessage() + "\" where " + expect + " was due";
        }
        if (expect instanceof AtBuild) {
            return "build() accepted it where " + expect + " was due";
        }
        try (ChildProcess child = spawner.spawn(command)) {
            if (!(expect instanceof Exits exits)) {
                return "the child " + child.pid() + " was started where " + expect + " was due";
            }
            if (!child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) {
                return "the child " + child.pid() + " still runs after " + CHILD_SECONDS + " s";
            }
            return child.exitValue() == exits.status() ? null
                    : "the child exited " + child.exitValue() + " where " + exits.status() + " was due";
        } catch (SpawnException e) {
            return expect instanceof AtSpawn a && e.stage() == a.stage() && e.errnoName().equals(a.errnoName())
                    && Objects.equals(e.path().orElse(null), a.path(files)) ? null
                    : "spawn() failed with \"" + e.getMessage() + "\" (stage " + e.stage() + ", path "
                    + e.path().orElse("none") + ") where " + expect + " with path " + (expect instanceof AtSpawn due
                    ? due.path(files) : "-") + " was due";
        } catch (IOException | RuntimeException e) {
            return "spawn() threw " + e + " where " + expect + " was due";
        }
    }

    /** The probe exiting 0, as any caller would run it: null if it did, else what happened. */
    private static String ordinarySpawn(Spawner spawner) throws InterruptedException {
        Command ok = Command.builder(Probe.path().toString(), "exit", "0")
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build();
        try (ChildProcess child = spawner.spawn(ok)) {
            if (!child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) {
                return "child " + child.pid() + " still runs after " + CHILD_SECONDS + " s";
            }
            return child.exitValue() == 0 ? null : "exited " + child.exitValue();
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    static int softDescriptorLimit() {
        long[] rlimit = new long[2];
        Libc.getrlimit(Libc.RLIMIT_NOFILE, rlimit);
        return (int) Math.min(rlimit[0], Integer.MAX_VALUE);
    }

    /** A number below {@code limit} this JVM has no descriptor at, from the top, where nothing else goes. */
    static int closedDescriptor(int limit) {
        for (int fd = limit - 1; fd > 2; fd--) {
            try {
                Libc.fcntl(fd, Libc.F_GETFD, 0);
            } catch (LastErrorException e) {
                return fd;
            }
        }
        throw new IllegalStateException("every descriptor below " + limit + " is open");
    }

    /** Deletes what the run made; the directory it locked is opened again first. */
    private static void deleteTree(Path dir) throws IOException {
        Path locked = dir.resolve("locked");
        if (Files.isDirectory(locked)) {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
