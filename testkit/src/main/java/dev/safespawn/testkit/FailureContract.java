package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child that cannot start is a SpawnException with errno, stage and path, and leaves nothing behind.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface FailureContract extends StrategyUnderTest {

    private SpawnException failure(Command command) {
        return catchThrowableOfType(SpawnException.class, () -> spawner().spawn(command));
    }

    /**
     * A program path that does not exist fails at stage {@code EXEC} with
     * {@code ENOENT}, naming the path, with the message
     * {@code exec PATH: No such file or directory (ENOENT)}.
     */
    @Test
    default void missingProgramByPath() {
        SpawnException e = failure(Command.of("/nonexistent/safespawn-nope"));
        assertThat(e.stage()).isEqualTo(Stage.EXEC);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).hasValue("/nonexistent/safespawn-nope");
        assertThat(e).hasMessage("exec /nonexistent/safespawn-nope: No such file or directory (ENOENT)");
    }

    /**
     * A bare name that the child's {@code PATH} does not find fails at stage
     * {@code RESOLVE} with {@code ENOENT}, naming the name.
     */
    @Test
    default void missingProgramByName() {
        SpawnException e = failure(Command.builder("safespawn-no-such-program").env("PATH", "/usr/bin:/bin").build());
        assertThat(e.stage()).isEqualTo(Stage.RESOLVE);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).hasValue("safespawn-no-such-program");
    }

    /**
     * A bare name that {@code PATH} finds only through an empty or {@code .}
     * entry (the child's directory) is refused at stage {@code RESOLVE} with
     * {@code EPERM}, before anything runs; the same file named {@code ./name}
     * runs.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void aBareNameFoundOnlyInTheWorkingDirectoryIsRefused() throws Exception {
        Path probe = Probe.path();
        String name = probe.getFileName().toString();
        for (String path : new String[] {"", ".", "/nonexistent/safespawn-dir:"}) {
            SpawnException e = failure(Command.builder(name, "exit", "0").directory(probe.getParent())
                    .env("PATH", path).build());
            assertThat(e).as("PATH=%s", path).isNotNull();
            assertThat(e.stage()).isEqualTo(Stage.RESOLVE);
            assertThat(e.errnoName()).isEqualTo("EPERM");
            assertThat(e.getMessage()).contains("./" + name);
        }
        Finished f = run(Command.builder("./" + name, "exit", "7").directory(probe.getParent()).env("PATH", "").build());
        assertThat(f.child().exitValue()).isEqualTo(7);
    }

    /**
     * A directory as the program fails at stage {@code EXEC} with
     * {@code EACCES}, naming it.
     *
     * @param dir a temporary directory JUnit provides and removes
     */
    @Test
    default void directoryAsProgram(@TempDir Path dir) {
        SpawnException e = failure(Command.of(dir.toString()));
        assertThat(e.errnoName()).isEqualTo("EACCES");
        assertThat(e.stage()).isEqualTo(Stage.EXEC);
        assertThat(e.path()).hasValue(dir.toString());
    }

    /**
     * A file without execute permission as the program fails with
     * {@code EACCES}, naming it.
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void nonExecutableFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "not a program");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SpawnException e = failure(Command.of(file.toString()));
        assertThat(e.errnoName()).isEqualTo("EACCES");
        assertThat(e.path()).hasValue(file.toString());
    }

    /**
     * An executable file the kernel cannot run fails at stage {@code EXEC} with
     * {@code ENOEXEC}, naming the file, on every strategy (the {@code jdk}
     * one checks the format itself, as {@code ProcessBuilder} would run such a
     * file as a shell script).
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void fileTheKernelCannotExecute(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("garbage"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        SpawnException e = failure(Command.of(file.toString()));
        assertThat(e.stage()).isEqualTo(Stage.EXEC);
        assertThat(e.errnoName()).isEqualTo("ENOEXEC");
        assertThat(e).hasMessageContaining("Exec format error (ENOEXEC)");
        assertThat(e.path()).hasValue(file.toString());
    }

    /**
     * Joining process group 1, which lies in another session, fails at stage
     * {@code SETPGID} with {@code EPERM}. Needs {@code PROCESS_GROUP}.
     */
    @Test
    default void joiningAGroupOfAnotherSessionIsBlamedOnSetpgid() {
        require(Feature.PROCESS_GROUP);
        // Process group 1 (init's) exists but lies in another session: EPERM.
        SpawnException e = failure(probe("exit", "0").processGroup(1).build());
        assertThat(e.stage()).isEqualTo(Stage.SETPGID);
        assertThat(e.errnoName()).isEqualTo("EPERM");
    }

    /**
     * A missing working directory fails at stage {@code CHDIR} with
     * {@code ENOENT}, naming the directory rather than the program.
     *
     * @param dir a temporary directory JUnit provides and removes
     */
    @Test
    default void badWorkingDirectoryIsBlamedNotTheProgram(@TempDir Path dir) {
        Path missing = dir.resolve("missing");
        SpawnException e = failure(probe("exit", "0").directory(missing).build());
        assertThat(e.stage()).isEqualTo(Stage.CHDIR);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).hasValue(missing.toString());
        assertThat(e).hasMessage("chdir " + missing + ": No such file or directory (ENOENT)");
    }

    /**
     * A regular file as the working directory fails at stage {@code CHDIR} with
     * {@code ENOTDIR}.
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void fileAsWorkingDirectory(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "");
        SpawnException e = failure(probe("exit", "0").directory(file).build());
        assertThat(e.stage()).isEqualTo(Stage.CHDIR);
        assertThat(e.errnoName()).isEqualTo("ENOTDIR");
    }

    /**
     * A missing stdin file fails at stage {@code OPEN} with {@code ENOENT},
     * naming the file.
     *
     * @param dir a temporary directory JUnit provides and removes
     */
    @Test
    default void unreadableRedirectFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("no-input");
        SpawnException e = failure(probe("cat").stdin(Redirect.from(missing)).build());
        assertThat(e.stage()).isEqualTo(Stage.OPEN);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).hasValue(missing.toString());
    }

    /**
     * Passing a closed descriptor fails at stage {@code DUP2} with
     * {@code EBADF}. Needs {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void passingAClosedDescriptorFails() throws Exception {
        require(Feature.PASS_FD);
        // Not a descriptor just closed: another thread of the JVM may open one at
        // once and get that number back. The kernel hands out the lowest free
        // number, so one well above every open descriptor stays closed.
        int closed = ParentState.openFds().stream().mapToInt(entry -> Integer.parseInt(entry.split(" ")[0]))
                .max().orElse(2) + 64;
        SpawnException e = failure(probe("exit", "0").passFd(closed, 5).build());
        assertThat(e.stage()).isEqualTo(Stage.DUP2);
        assertThat(e.errnoName()).isEqualTo("EBADF");
    }

    /**
     * A child descriptor number at or above the descriptor limit fails at
     * stage {@code DUP2} with {@code EBADF}, the number and the limit named,
     * rather than a bare {@code EBADF} from the child. Needs {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void aDescriptorNumberBeyondTheLimitIsNamed() throws Exception {
        require(Feature.PASS_FD);
        long[] limit = new long[2];
        Libc.getrlimit(Libc.RLIMIT_NOFILE, limit);
        skipUnless(limit[0] > 0 && limit[0] < Integer.MAX_VALUE, "the soft RLIMIT_NOFILE is " + limit[0]);
        int beyond = (int) limit[0];

        SpawnException e = failure(probe("exit", "0").passFd(2, beyond).build());

        assertThat(e.stage()).isEqualTo(Stage.DUP2);
        assertThat(e.errnoName()).isEqualTo("EBADF");
        assertThat(e.getMessage()).contains(String.valueOf(beyond)).contains("RLIMIT_NOFILE");
        assertThat(run(probe("exit", "0").build()).child().exitValue()).as("the next spawn").isZero();
    }

    /**
     * A command needing {@code PASS_FD}, {@code NEW_SESSION} or
     * {@code PROCESS_GROUP} that the strategy lacks fails with a
     * {@code SpawnException} naming the feature and the strategies that have it.
     */
    @Test
    default void missingFeatureIsNamedNotIgnored() {
        for (Feature f : Set.of(Feature.PASS_FD, Feature.NEW_SESSION, Feature.PROCESS_GROUP)) {
            if (spawner().features().contains(f)) {
                continue;
            }
            Command needing = switch (f) {
                case PASS_FD -> probe("exit", "0").passFd(0, 5).build();
                case NEW_SESSION -> probe("exit", "0").newSession().build();
                default -> probe("exit", "0").processGroup(0).build();
            };
            assertThatThrownBy(() -> spawner().spawn(needing))
                    .isInstanceOf(SpawnException.class)
                    .hasMessageContaining(f.name())
                    .hasMessageContaining("strategies that do: ");
        }
    }

    /**
     * A thousand failed spawns (a missing program, a missing directory; as
     * {@link #loadSpawns} scales the number) leave no new descriptor and no
     * zombie behind.
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void manyFailuresLeaveNoDescriptorAndNoZombie(@TempDir Path dir) throws Exception {
        Command missingProgram = Command.of("/nonexistent/safespawn-nope");
        Command missingDir = probe("exit", "0").directory(dir.resolve("missing")).build();
        run(probe("exit", "0").build()); // warm up whatever the strategy creates once
        Set<String> before = ParentState.openFds();
        for (int i = 0, n = loadSpawns(1000); i < n; i++) {
            Command c = i % 2 == 0 ? missingProgram : missingDir;
            assertThatThrownBy(() -> spawner().spawn(c)).isInstanceOf(SpawnException.class);
        }
        assertThat(ParentState.openFds()).as("no new descriptor").isSubsetOf(before);
        assertThat(ParentState.zombieChildren()).isEmpty();
    }
}
