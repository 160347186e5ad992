package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pre-exec options: umask, resource limits, death with the parent.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface OptionsContract extends StrategyUnderTest {

    /**
     * A file a redirect creates is masked by the command's umask too: with
     * {@code umask(077)} neither group nor others get any permission, whether
     * the file is written or appended to. Needs {@code UMASK}.
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void redirectFilesHonourTheUmask(@TempDir Path dir) throws Exception {
        require(Feature.UMASK);
        Path written = dir.resolve("written");
        Path appended = dir.resolve("appended");
        Finished f = run(probe("exit", "0").umask(077).stdout(dev.safespawn.Redirect.to(written))
                .stderr(dev.safespawn.Redirect.appendTo(appended)).build());
        assertThat(f.child().exitValue()).isZero();
        for (Path file : new Path[] {written, appended}) {
            assertThat(Files.getPosixFilePermissions(file)).as(file.getFileName().toString())
                    .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
                    .doesNotContain(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        }
    }

    /**
     * The child starts with the umask asked for, 0 included. Needs
     * {@code UMASK}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void umaskIsSet() throws Exception {
        require(Feature.UMASK);
        assertThat(report(probe("report").umask(0027)).umask()).isEqualTo(0027);
        assertThat(report(probe("report").umask(0)).umask()).isZero();
    }

    /**
     * The child starts with the soft and hard resource limits asked for. Needs
     * {@code RLIMITS}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void resourceLimitsAreSet() throws Exception {
        require(Feature.RLIMITS);
        Finished f = run(Command.builder("/bin/sh", "-c", "ulimit -Sn; ulimit -Hn; ulimit -c")
                .rlimit(Command.Limit.NOFILE, 64, 128).rlimit(Command.Limit.CORE, 0, 0).build());
        assertThat(f.stdout().split("\n")).containsExactly("64", "128", "0");
    }

    /**
     * A limit above {@code fs.nr_open} fails at stage {@code RLIMIT} with
     * {@code EPERM}, leaving no descriptor and no zombie. Needs {@code RLIMITS}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void aLimitAboveWhatTheKernelAllowsFailsAtSetrlimit() throws Exception {
        require(Feature.RLIMITS);
        // No one, root included, may raise RLIMIT_NOFILE above fs.nr_open.
        long nrOpen = ParentState.sysctl("fs/nr_open");
        assertThat(nrOpen).isGreaterThan(1024);
        var before = ParentState.openFds();
        SpawnException e = catchThrowableOfType(SpawnException.class, () -> spawner().spawn(
                probe("exit", "0").rlimit(Command.Limit.NOFILE, nrOpen + 1, nrOpen + 1).build()));
        assertThat(e.stage()).isEqualTo(Stage.RLIMIT);
        assertThat(e.errnoName()).isEqualTo("EPERM");
        assertThat(ParentState.openFds()).isSubsetOf(before);
        assertThat(ParentState.zombieChildren()).isEmpty();
    }

    /**
     * A child started with {@code killOnParentDeath} dies when its parent JVM is
     * killed with {@code SIGKILL}. Needs {@code KILL_ON_PARENT_DEATH}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void childDiesWithAParentJvmKilledBySigkill() throws Exception {
        require(Feature.KILL_ON_PARENT_DEATH);
        // An intermediate JVM spawns a sleeping probe that must die with it, then
        // prints the probe's pid and waits; the test SIGKILLs the intermediate.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ChildProcess intermediate = spawner().spawn(Command.builder(java.toString(),
                // It spawns through the strategy's JNA, if it has one: JDK 24+ warns unless allowed.
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-D" + Probe.PROPERTY + "=" + Probe.path(),
                OrphanCandidate.class.getName(), spawner().strategyName()).build());
        int pidfd;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(intermediate.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("the intermediate JVM's report; stderr: %s", line == null
                    ? new String(intermediate.getErrorStream().readAllBytes(), StandardCharsets.UTF_8) : "")
                    .startsWith("pid ");
            pidfd = ParentState.pidfdOf(Integer.parseInt(line.substring(4)));
            try {
                assertThat(ParentState.awaitExit(pidfd, 0)).as("grandchild alive before").isFalse();
                intermediate.destroyForcibly();
                assertThat(intermediate.waitFor(60, TimeUnit.SECONDS)).isTrue();
                // The kernel kills it at once; the bound only keeps a broken build from hanging.
                assertThat(ParentState.awaitExit(pidfd, 60_000)).as("grandchild died with its parent").isTrue();
            } finally {
                ParentState.close(pidfd);
            }
        }
        intermediate.getErrorStream().close();
        intermediate.getOutputStream().close();
    }
}
