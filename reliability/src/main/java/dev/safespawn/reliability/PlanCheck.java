package dev.safespawn.reliability;

import com.sun.jna.LastErrorException;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.reliability.CommandPlan.Expected;
import dev.safespawn.reliability.CommandPlan.Refused;
import dev.safespawn.reliability.CommandPlan.Rejected;
import dev.safespawn.reliability.CommandPlan.Runs;
import dev.safespawn.reliability.CommandPlan.Std;
import dev.safespawn.Spawner;
import dev.safespawn.testkit.ProbeReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one {@link CommandPlan} through a spawner and says how what happened
 * differs from what the plan expects: the error {@code build()} or
 * {@code spawn()} must give, or the child's whole descriptor table (numbers,
 * and for each passed descriptor the very object, by device, inode and access
 * mode), none close-on-exec, its argv, environment and directory. Not
 * thread-safe; one check at a time per instance.
 */
final class PlanCheck {
    /** The longest a child may take to report and exit; past it, it is killed and that is a problem. */
    private static final long CHILD_SECONDS = 30;

    private final Spawner spawner;
    private final boolean passesFds;
    private final int limit;
    private final Path oddDirectory;

    /**
     * @param passesFds whether the spawner's strategy can pass descriptors
     * @param limit the soft {@code RLIMIT_NOFILE} the child starts with
     * @param oddDirectory an existing directory with an unusual name, for plans that ask for one
     */
    PlanCheck(Spawner spawner, boolean passesFds, int limit, Path oddDirectory) {
        this.spawner = spawner;
        this.passesFds = passesFds;
        this.limit = limit;
        this.oddDirectory = oddDirectory;
    }

    /** What happened to {@code plan}: its expectation, and the problems found (none when it held). */
    record Result(Expected expected, List<String> problems) {
    }

    Result check(CommandPlan plan) throws InterruptedException {
        int[] objects = new int[2 * plan.pipes()];
        Arrays.fill(objects, -1);
        List<String> problems = new ArrayList<>();
        try {
            int[] pair = new int[2];
            for (int p = 0; p < plan.pipes(); p++) {
                Libc.pipe2(pair, Libc.O_CLOEXEC);
                objects[2 * p] = pair[0];
                objects[2 * p + 1] = pair[1];
            }
            Expected expected = plan.expect(objects, limit, passesFds);
            run(plan, objects, expected, problems);
            return new Result(expected, problems.stream().map(p -> p + "; plan " + plan).toList());
        } finally {
            for (int fd : objects) {
                closeQuietly(fd);
            }
        }
    }

    private void run(CommandPlan plan, int[] objects, Expected expected, List<String> problems)
            throws InterruptedException {
        Command command;
        try {
            command = plan.builder(objects, limit, oddDirectory).build();
        } catch (IllegalArgumentException e) {
            if (!(expected instanceof Rejected r && e.getMessage().startsWith(r.field())
                    && e.getMessage().contains(String.valueOf(r.number())))) {
                problems.add("build() said \"" + e.getMessage() + "\" where " + expected + " was due");
            }
            return;
        }
        if (expected instanceof Rejected) {
            problems.add("build() accepted the command where " + expected + " was due");
            return;
        }
        ChildProcess child;
        try {
            child = spawner.spawn(command);
        } catch (SpawnException e) {
            if (!(expected instanceof Refused r && e.stage() == r.stage() && e.errnoName().equals(r.errnoName())
                    && e.path().equals(Optional.ofNullable(r.path()))
                    && (r.path() == null || e.getMessage().contains(String.valueOf(limit))))) {
                problems.add("spawn() failed with \"" + e.getMessage() + "\" (stage " + e.stage() + ") where "
                        + expected + " was due");
            }
            return;
        } catch (IOException | RuntimeException e) {
            problems.add("spawn() threw " + e + " where " + expected + " was due");
            return;
        }
        try (child) {
            if (!(expected instanceof Runs runs)) {
                problems.add("the child " + child.pid() + " was started where " + expected + " was due");
                return;
            }
            checkChild(plan, objects, runs, child, problems);
        } catch (IOException e) {
            problems.add("closing the child failed: " + e);
        }
    }

    private void checkChild(CommandPlan plan, int[] objects, Runs runs, ChildProcess child, List<String> problems)
            throws InterruptedException, IOException {
        // The report comes on stdout: the library's pipe, or the read end of the pipe passed onto 1.
        Integer stdoutObject = runs.childToObject().get(1);
        int readEnd = stdoutObject == null ? -1 : objects[stdoutObject & ~1];
        Map<Integer, String> ids = new LinkedHashMap<>();
        for (int o = 0; o < objects.length; o++) {
            ids.put(o, identity(objects[o], (o & 1) == 0 ? "r" : "w"));
        }
        // The child holds its copies now: the parent's go, so the report's pipe ends when the child does.
        for (int o = 0; o < objects.length; o++) {
            if (objects[o] != readEnd) {
                closeQuietly(objects[o]);
                objects[o] = -1;
            }
        }
        Callable<byte[]> read = readEnd < 0 ? child.getInputStream()::readAllBytes : () -> readAll(readEnd);
        FutureTask<byte[]> reading = new FutureTask<>(read);
        Thread reader = new Thread(reading, "reliability-hostile-reader");
        reader.setDaemon(true);
        reader.start();
        String stdout;
        try {
            stdout = new String(reading.get(CHILD_SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } catch (TimeoutException e) {
            child.destroyForcibly();
            problems.add("child " + child.pid() + " gave no report within " + CHILD_SECONDS + " s; killed");
            reader.join();
            return;
        } catch (ExecutionException e) {
            problems.add("reading the report failed: " + e.getCause());
            return;
        }
        if (!child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) {
            problems.add("child " + child.pid() + " still running " + CHILD_SECONDS + " s after its report");
            return;
        }
        if (child.exitValue() != 0) {
            String stderr = plan.stdio().get(2) == Std.DISCARD || runs.childToObject().containsKey(2) ? ""
                    : new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            problems.add("child exited " + child.exitValue() + ", stderr: " + stderr.strip());
            return;
        }
        ProbeReport report;
        try {
            report = ProbeReport.parse(stdout);
        } catch (IllegalArgumentException e) {
            problems.add("unreadable report: " + e.getMessage());
            return;
        }
        compare(plan, runs, ids, report, problems);
    }

    private void compare(CommandPlan plan, Runs runs, Map<Integer, String> ids, ProbeReport report,
                         List<String> problems) throws IOException {
        Set<Integer> wantFds = new TreeSet<>(Set.of(0, 1, 2));
        wantFds.addAll(runs.childToObject().keySet());
        if (!report.fds().equals(wantFds)) {
            problems.add("child held " + report.fds() + " where " + wantFds + " was due");
        }
        if (!report.cloexecFds().isEmpty()) {
            problems.add("child's descriptors " + report.cloexecFds() + " are close-on-exec");
        }
        runs.childToObject().forEach((fd, object) -> {
            String got = report.fdIds().get(fd);
            if (got != null && !got.equals(ids.get(object))) {
                problems.add("child fd " + fd + " is " + got + ", not object " + object + " (" + ids.get(object)
                        + "); objects " + ids);
            }
        });
        for (int fd = 0; fd < 3; fd++) {
            if (runs.childToObject().containsKey(fd)) {
                continue;
            }
            String kind = plan.stdio().get(fd) == Std.DISCARD ? "chr" : "pipe";
            if (!kind.equals(report.fdKinds().get(fd)) || ids.containsValue(report.fdIds().get(fd))) {
                problems.add("child fd " + fd + " is " + report.fdKinds().get(fd) + " " + report.fdIds().get(fd)
                        + " where the library's own " + kind + " was due");
            }
        }
        if (!report.args().equals(plan.argv())) {
            problems.add("argv arrived as " + report.args().stream().map(CommandPlan::shortText).toList());
        }
        Map<String, Optional<String>> wantEnv = new LinkedHashMap<>();
        plan.env().forEach((name, value) -> wantEnv.put(name, Optional.of(value)));
        if (!report.env().equals(wantEnv)) {
            problems.add("environment arrived as " + report.env());
        }
        Path wantCwd = plan.directory() == 0 ? Path.of("").toAbsolutePath()
                : plan.directory() == 1 ? Path.of("/") : oddDirectory;
        if (!report.cwd().equals(wantCwd.toRealPath().toString())) {
            problems.add("child's directory is " + report.cwd() + ", not " + wantCwd);
        }
    }

    /** What {@code fd} is open on, as the probe prints it: {@code DEV:INO ACCESS}. */
    private static String identity(int fd, String access) throws IOException {
        Path link = Path.of("/proc/self/fd/" + fd);
        return Files.getAttribute(link, "unix:dev") + ":" + Files.getAttribute(link, "unix:ino") + " " + access;
    }

    /** Reads {@code fd} to its end; the caller's timeout bounds it. */
    private static byte[] readAll(int fd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        for (;;) {
            long n;
            try {
                n = Libc.read(fd, buffer, buffer.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == 4) { // EINTR
                    continue;
                }
                throw e;
            }
            if (n <= 0) {
                return out.toByteArray();
            }
            out.write(buffer, 0, (int) n);
        }
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                Libc.close(fd);
            } catch (LastErrorException e) {
                // already closed: nothing to release
            }
        }
    }
}
