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

/** A child that cannot start is a SpawnException with errno, stage and path, and leaves nothing behind. */
public interface FailureContract extends StrategyUnderTest {

    private SpawnException failure(Command command) {
        return catchThrowableOfType(SpawnException.class, () -> spawner().spawn(command));
    }

    @Test
    default void missingProgramByPath() {
        SpawnException e = failure(Command.of("/nonexistent/safespawn-nope"));
        assertThat(e.stage()).isEqualTo(Stage.EXEC);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).hasValue("/nonexistent/safespawn-nope");
        assertThat(e).hasMessage("exec /nonexistent/safespawn-nope: No such file or directory (ENOENT)");
    }

    @Test
    default void missingProgramByName() {
        SpawnException e = failure(Command.builder("safespawn-no-such-program").env("PATH", "/usr/bin:/bin").build());
        assertThat(e.stage()).isEqualTo(Stage.RESOLVE);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).hasValue("safespawn-no-such-program");
    }

    @Test
    default void directoryAsProgram(@TempDir Path dir) {
        SpawnException e = failure(Command.of(dir.toString()));
        assertThat(e.errnoName()).isEqualTo("EACCES");
        assertThat(e.stage()).isEqualTo(Stage.EXEC);
        assertThat(e.path()).hasValue(dir.toString());
    }

    @Test
    default void nonExecutableFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "not a program");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SpawnException e = failure(Command.of(file.toString()));
        assertThat(e.errnoName()).isEqualTo("EACCES");
        assertThat(e.path()).hasValue(file.toString());
    }

    @Test
    default void fileTheKernelCannotExecute(@TempDir Path dir) throws Exception {
        skipUnless(!spawner().strategyName().equals("jdk"),
                "ProcessBuilder runs a file that execve refuses with ENOEXEC as a shell script");
        Path file = Files.write(dir.resolve("garbage"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        SpawnException e = failure(Command.of(file.toString()));
        assertThat(e.stage()).isEqualTo(Stage.EXEC);
        assertThat(e.errnoName()).isEqualTo("ENOEXEC");
        assertThat(e).hasMessageContaining("Exec format error (ENOEXEC)");
    }

    @Test
    default void joiningAGroupOfAnotherSessionIsBlamedOnSetpgid() {
        require(Feature.PROCESS_GROUP);
        // Process group 1 (init's) exists but lies in another session: EPERM.
        SpawnException e = failure(probe("exit", "0").processGroup(1).build());
        assertThat(e.stage()).isEqualTo(Stage.SETPGID);
        assertThat(e.errnoName()).isEqualTo("EPERM");
    }

    @Test
    default void badWorkingDirectoryIsBlamedNotTheProgram(@TempDir Path dir) {
        Path missing = dir.resolve("missing");
        SpawnException e = failure(probe("exit", "0").directory(missing).build());
        assertThat(e.stage()).isEqualTo(Stage.CHDIR);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).hasValue(missing.toString());
        assertThat(e).hasMessage("chdir " + missing + ": No such file or directory (ENOENT)");
    }

    @Test
    default void fileAsWorkingDirectory(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "");
        SpawnException e = failure(probe("exit", "0").directory(file).build());
        assertThat(e.stage()).isEqualTo(Stage.CHDIR);
        assertThat(e.errnoName()).isEqualTo("ENOTDIR");
    }

    @Test
    default void unreadableRedirectFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("no-input");
        SpawnException e = failure(probe("cat").stdin(Redirect.from(missing)).build());
        assertThat(e.stage()).isEqualTo(Stage.OPEN);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).hasValue(missing.toString());
    }

    @Test
    default void passingAClosedDescriptorFails() throws Exception {
        require(Feature.PASS_FD);
        int[] pipe = ParentState.leakyPipe();
        ParentState.close(pipe);
        SpawnException e = failure(probe("exit", "0").passFd(pipe[0], 5).build());
        assertThat(e.stage()).isEqualTo(Stage.DUP2);
        assertThat(e.errnoName()).isEqualTo("EBADF");
    }

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

    @Test
    default void aThousandFailuresLeaveNoDescriptorAndNoZombie(@TempDir Path dir) throws Exception {
        Command missingProgram = Command.of("/nonexistent/safespawn-nope");
        Command missingDir = probe("exit", "0").directory(dir.resolve("missing")).build();
        run(probe("exit", "0").build()); // warm up whatever the strategy creates once
        Set<String> before = ParentState.openFds();
        for (int i = 0; i < 1000; i++) {
            Command c = i % 2 == 0 ? missingProgram : missingDir;
            assertThatThrownBy(() -> spawner().spawn(c)).isInstanceOf(SpawnException.class);
        }
        assertThat(ParentState.openFds()).as("no new descriptor").isSubsetOf(before);
        assertThat(ParentState.zombieChildren()).isEmpty();
    }
}
