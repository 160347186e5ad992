package dev.safespawn.reliability;

import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.testkit.Probe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The fixed list of bad inputs: each a command and the error the library
 * promises for it, an {@link IllegalArgumentException} from {@code build()}
 * whose message starts with the field, or a {@code SpawnException} with the
 * stage, error and path; or, for a program named relative to the child's
 * directory, the exit status of the program found there. Immutable.
 */
final class BadInputs {
    /** One byte more than the kernel takes in one argument (MAX_ARG_STRLEN, 32 pages of 4 KiB). */
    private static final int TOO_LONG_ARGUMENT = 32 * 4096 + 1;
    /** What the script in {@link Scratch#TOOL_DIRECTORY} exits with. */
    static final int TOOL_STATUS = 42;

    private BadInputs() {
    }

    /** What must happen. */
    sealed interface Expect {
    }

    /** {@code build()} throws IllegalArgumentException whose message starts with {@code field}. */
    record AtBuild(String field) implements Expect {
    }

    /**
     * {@code spawn()} throws SpawnException with this stage, error name and
     * path: null for none, and {@code {dir}} and {@code {fd}} stand for the
     * run's {@link Scratch#dir()} and {@link Scratch#closedFd()}.
     */
    record AtSpawn(Stage stage, String errnoName, String path) implements Expect {
        String path(Scratch scratch) {
            return path == null ? null
                    : path.replace("{dir}", scratch.dir().toString()).replace("{fd}", String.valueOf(scratch.closedFd()));
        }
    }

    /** The child runs and exits with {@code status}. */
    record Exits(int status) implements Expect {
    }

    /**
     * One bad input.
     *
     * @param name what is bad, for problems and the results
     * @param command the command, given the run's files
     * @param expect what every strategy that can pass descriptors must do
     * @param withoutPassFd what a strategy that cannot must do instead; null: the same
     * @param onZygote what the zygote strategy must do instead, where its documented limits differ; null: the same
     */
    record Case(String name, Function<Scratch, Command.Builder> command, Expect expect, Expect withoutPassFd,
                Expect onZygote) {
        Case(String name, Function<Scratch, Command.Builder> command, Expect expect, Expect withoutPassFd) {
            this(name, command, expect, withoutPassFd, null);
        }

        Expect expect(String strategy, boolean passesFds) {
            if (onZygote != null && strategy.equals("zygote")) {
                return onZygote;
            }
            return passesFds || withoutPassFd == null ? expect : withoutPassFd;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The files the cases need, made in {@code dir}: a plain file, scripts
     * without the execute bit, with a missing interpreter and with a format
     * no kernel runs, a directory with a tool in it, and one nobody may enter.
     *
     * @param closedFd a descriptor number this JVM does not have open
     */
    record Scratch(Path dir, int closedFd) {
        static final String TOOL_DIRECTORY = "tools";

        static Scratch make(Path dir, int closedFd) throws IOException {
            Files.writeString(dir.resolve("plain-file"), "not a directory\n");
            script(dir.resolve("no-exec-bit"), "#!/bin/sh\nexit 0\n", "rw-r--r--");
            script(dir.resolve("bad-interpreter"), "#!/nonexistent/interpreter\n", "rwxr-xr-x");
            Files.write(dir.resolve("no-format"), new byte[] {1, 2, 3, 'n', 'o', 't', ' ', 'E', 'L', 'F'});
            Files.setPosixFilePermissions(dir.resolve("no-format"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Path tools = Files.createDirectory(dir.resolve(TOOL_DIRECTORY));
            script(tools.resolve("tool"), "#!/bin/sh\nexit " + TOOL_STATUS + "\n", "rwxr-xr-x");
            Path locked = Files.createDirectory(dir.resolve("locked"));
            script(locked.resolve("tool"), "#!/bin/sh\nexit 0\n", "rwxr-xr-x");
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
            return new Scratch(dir, closedFd);
        }

        private static void script(Path file, String text, String mode) throws IOException {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        }

        Path path(String name) {
            return dir.resolve(name);
        }
    }

    /** Whether the permission cases mean anything here: root's DAC override ignores permission bits. */
    static boolean permissionsBind() {
        return !"root".equals(System.getProperty("user.name"));
    }

    /** Every case; the permission case only where {@link #permissionsBind()}. */
    static List<Case> all() {
        String probe = Probe.path().toString();
        Expect feature = new AtSpawn(Stage.FEATURE, "EOPNOTSUPP", null);
        List<Case> cases = new ArrayList<>(List.of(
                new Case("NUL byte in an argument", f -> Command.builder(probe, "exit", "0\0"),
                        new AtBuild("argv[2]"), null),
                new Case("NUL byte in the program", f -> Command.builder(probe + "\0x", "exit", "0"),
                        new AtBuild("argv[0]"), null),
                new Case("NUL byte in a variable's name", f -> probe().env("A\0B", "x"), new AtBuild("env"), null),
                new Case("NUL byte in a variable's value", f -> probe().env("A", "x\0y"), new AtBuild("env"), null),
                new Case("= in a variable's name", f -> probe().env("A=B", "x"), new AtBuild("env"), null),
                new Case("empty variable name", f -> probe().env("", "x"), new AtBuild("env"), null),
                new Case("empty program", f -> Command.builder("", "x"), new AtBuild("argv[0]"), null),
                new Case("no argv at all", f -> Command.builder(), new AtBuild("argv"), null),
                new Case("an argument past the kernel's limit (E2BIG)",
                        f -> probe().args("a".repeat(TOO_LONG_ARGUMENT)), new AtSpawn(Stage.EXEC, "E2BIG", probe), null,
                        // its request limit, 128 KiB, is below the kernel's, and checked before a child exists
                        new AtSpawn(Stage.SPAWN, "E2BIG", null)),
                new Case("negative parent descriptor", f -> probe().passFd(-1, 5), new AtBuild("passFd"), null),
                new Case("negative child descriptor", f -> probe().passFd(0, -5), new AtBuild("passFd"), null),
                new Case("closed parent descriptor", f -> probe().passFd(f.closedFd(), 5),
                        new AtSpawn(Stage.DUP2, "EBADF", "{fd}"), feature),
                new Case("a descriptor passed onto stdout that is also redirected",
                        f -> probe().passFd(0, 1).stdout(Redirect.DISCARD), new AtBuild("passFd"), null),
                new Case("directory that is a file", f -> probe().directory(f.path("plain-file")),
                        new AtSpawn(Stage.CHDIR, "ENOTDIR", "{dir}/plain-file"), null),
                new Case("directory that does not exist", f -> probe().directory(f.path("missing")),
                        new AtSpawn(Stage.CHDIR, "ENOENT", "{dir}/missing"), null),
                new Case("program without the execute bit", f -> Command.builder(f.path("no-exec-bit").toString()),
                        new AtSpawn(Stage.EXEC, "EACCES", "{dir}/no-exec-bit"), null),
                new Case("script whose interpreter does not exist", f -> Command.builder(f.path("bad-interpreter").toString()),
                        new AtSpawn(Stage.EXEC, "ENOENT", "{dir}/bad-interpreter"), null),
                new Case("executable in no format the kernel runs (ENOEXEC)",
                        f -> Command.builder(f.path("no-format").toString()),
                        new AtSpawn(Stage.EXEC, "ENOEXEC", "{dir}/no-format"), null),
                new Case("program that is a directory", f -> Command.builder(f.dir().toString()),
                        new AtSpawn(Stage.EXEC, "EACCES", "{dir}"), null),
                new Case("bare program name found nowhere on PATH",
                        f -> Command.builder("safespawn-no-such-program-anywhere"),
                        new AtSpawn(Stage.RESOLVE, "ENOENT", "safespawn-no-such-program-anywhere"), null),
                new Case("redirect to a file in a missing directory",
                        f -> probe().stdout(Redirect.to(f.path("missing/out"))),
                        new AtSpawn(Stage.OPEN, "ENOENT", "{dir}/missing/out"), null),
                new Case("relative program run from the directory given",
                        f -> Command.builder("./tool").directory(f.path(Scratch.TOOL_DIRECTORY)),
                        new Exits(TOOL_STATUS), null),
                new Case("relative program with a subdirectory, from the directory given",
                        f -> Command.builder("./" + Scratch.TOOL_DIRECTORY + "/tool").directory(f.dir()),
                        new Exits(TOOL_STATUS), null),
                new Case("relative program that is not in the directory given",
                        f -> Command.builder("./tool").directory(f.dir()),
                        new AtSpawn(Stage.EXEC, "ENOENT", "./tool"), null)));
        if (permissionsBind()) {
            cases.add(new Case("directory without permission to enter", f -> probe().directory(f.path("locked")),
                    new AtSpawn(Stage.CHDIR, "EACCES", "{dir}/locked"), null));
        }
        return cases;
    }

    private static Command.Builder probe() {
        return Command.builder(Probe.path().toString(), "exit", "0")
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
    }
}
