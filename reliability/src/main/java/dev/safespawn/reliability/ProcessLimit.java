package dev.safespawn.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * A process limit ({@code EAGAIN}) while spawning, moving bytes and waiting,
 * in a {@link ProcessLimitHost} JVM: a limit on processes is one on threads
 * too, which the JVM running the tests must not suffer. {@code RLIMIT_NPROC}
 * does not bind root, so as root the host runs as the unprivileged user
 * {@value #NOBODY} through {@code setpriv} (util-linux), from a
 * world-readable copy of the class path and probe; where that cannot be
 * done, the run says why in a figure instead of checking.
 */
final class ProcessLimit implements Scenario {
    static final int NOBODY = 65534;
    private static final Duration HOST_RUN = Duration.ofMinutes(2);

    @Override
    public String name() {
        return "eagain";
    }

    @Override
    public String description() {
        return "In a host JVM run as a user the limit binds (as root: uid " + NOBODY + " through setpriv), the soft"
                + " RLIMIT_NPROC of the JVM and of its zygote server is lowered to 1 while an echoing probe and a"
                + " sleeping probe run; after a rehearsal at no limit, it spawns with a piped stdout and with inherited"
                + " stdio, writes to and reads from the echoing child, destroys the sleeper and waits for both; then"
                + " puts the limit back and spawns again. Clean: every spawn at the limit works or fails with an"
                + " IOException naming EAGAIN, never a JNA type or an Error; the other calls work; nothing hangs; the"
                + " spawn after works. Where the host cannot run as such a user, the figure 'checked' says why.";
    }

    @Override
    public void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception {
        int rounds = budget.pick(1, 5);
        Optional<String> cannot = cannotRun();
        if (cannot.isPresent()) {
            outcome.figure("checked", "no: " + cannot.get());
            System.out.println("eagain on " + configuration + " not checked: " + cannot.get());
            return;
        }
        boolean asRoot = Libc.getuid() == 0;
        Path copy = asRoot ? Files.createTempDirectory("safespawn-eagain-") : null;
        try {
            List<String> launcher = List.of();
            String classPath = System.getProperty("java.class.path");
            Path probe = dev.safespawn.testkit.Probe.path();
            Map<String, String> environment = null;
            List<String> options = new ArrayList<>(configuration.jvmOptions());
            if (asRoot) {
                classPath = copyClassPath(classPath, copy);
                probe = copy(probe, copy.resolve("probe"));
                Path tmp = Files.createDirectory(copy.resolve("tmp"));
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
                launcher = List.of(setpriv().orElseThrow().toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                        "--clear-groups");
                // No XDG_RUNTIME_DIR or HOME of root's: the zygote and JNA extract into the host's temporary directory.
                environment = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                        "HOME", tmp.toString());
                options.addAll(List.of("-Djava.io.tmpdir=" + tmp, "-Djna.tmpdir=" + tmp));
            }
            outcome.figure("checked", asRoot ? "yes, as uid " + NOBODY : "yes, as uid " + Libc.getuid());
            for (int round = 0; round < rounds; round++) {
                runHost(launcher, classPath, probe, options, environment, configuration, outcome);
            }
        } finally {
            if (copy != null) {
                deleteTree(copy);
            }
        }
    }

    private static void runHost(List<String> launcher, String classPath, Path probe, List<String> options,
            Map<String, String> environment, Configuration configuration, Outcome outcome) throws Exception {
        try (HostJvm host = HostJvm.start(launcher, classPath, probe, options, environment, ProcessLimitHost.class,
                configuration.strategy())) {
            int reports = 0;
            long deadline = System.nanoTime() + HOST_RUN.toNanos();
            for (String line; (line = host.nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))))
                    != null; ) {
                if (line.startsWith(ProcessLimitHost.FIGURE)) {
                    String figure = line.substring(ProcessLimitHost.FIGURE.length());
                    int eq = figure.indexOf('=');
                    outcome.figure(figure.substring(0, eq), figure.substring(eq + 1));
                    reports++;
                } else if (line.startsWith(ProcessLimitHost.PROBLEM)) {
                    outcome.problem(line.substring(ProcessLimitHost.PROBLEM.length()));
                    reports++;
                }
            }
            OptionalInt exit = host.awaitExit(Duration.ofSeconds(1));
            if (exit.isEmpty() || exit.getAsInt() != 0 || reports == 0) {
                outcome.problem("the host JVM " + (exit.isEmpty() ? "had not ended within " + HOST_RUN.toSeconds() + " s"
                        : "exited " + exit.getAsInt()) + " after " + reports + " reports; its output:\n"
                        + host.transcript());
            }
        }
    }

    /** Why the limit cannot be checked here, or empty if it can. */
    static Optional<String> cannotRun() {
        if (Libc.getuid() != 0) {
            return Optional.empty();
        }
        if (setpriv().isEmpty()) {
            return Optional.of("running as root, RLIMIT_NPROC binds nobody here, and setpriv (util-linux) to run the"
                    + " host as another user is not on PATH");
        }
        return Optional.empty();
    }

    private static Optional<Path> setpriv() {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "setpriv")).filter(Files::isExecutable)
                .findFirst();
    }

    /** Copies every class path entry (jar or directory) into {@code dir}, readable by all; returns the new class path. */
    private static String copyClassPath(String classPath, Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve(i++ + "-" + source.getFileName());
            copy(source, target);
            entries.add(target.toString());
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return String.join(File.pathSeparator, entries);
    }

    /** Copies a file or a directory tree, every copy readable (and, where the source was, executable) by all. */
    private static Path copy(Path source, Path target) throws IOException {
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(
                            Files.isExecutable(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        return target;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
