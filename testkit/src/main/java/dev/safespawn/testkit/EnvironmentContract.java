package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Feature;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environment, directory, session and process group are as the command says.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface EnvironmentContract extends StrategyUnderTest {

    /**
     * The child inherits the parent's environment with the command's
     * {@code env} and {@code removeEnv} changes applied; a value may hold
     * {@code '='} and spaces.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void environmentIsInheritedThenEdited() throws Exception {
        ProbeReport r = report(probe("report", "HOME", "SAFESPAWN_SET", "PATH")
                .env("SAFESPAWN_SET", "a value with = and spaces").removeEnv("PATH"));
        assertThat(r.env()).containsEntry("HOME", Optional.ofNullable(System.getenv("HOME")));
        assertThat(r.env()).containsEntry("SAFESPAWN_SET", Optional.of("a value with = and spaces"));
        assertThat(r.env()).containsEntry("PATH", Optional.empty());
    }

    /**
     * After {@code clearEnv} the child has only the variables set afterwards.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void clearedEnvironmentHoldsOnlyWhatWasSet() throws Exception {
        ProbeReport r = report(probe("report", "HOME", "ONLY").clearEnv().env("ONLY", "1"));
        assertThat(r.env()).containsEntry("HOME", Optional.empty()).containsEntry("ONLY", Optional.of("1"));
    }

    /**
     * The child starts in the command's working directory.
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void workingDirectoryIsSet(@TempDir Path dir) throws Exception {
        ProbeReport r = report(probe("report").directory(dir));
        assertThat(Path.of(r.cwd())).isEqualTo(dir.toRealPath());
    }

    /**
     * By default the child stays in the JVM's session and process group, and
     * does not lead a group.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void childStaysInTheParentsSessionAndGroupByDefault() throws Exception {
        ProbeReport r = report(probe("report"));
        // The JVM's own group and session (fields 5 and 6 of /proc/self/stat,
        // after the parenthesised name). A zygote's child has the server as its
        // parent, but the server too stays in the JVM's session and group.
        String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertThat(r.pgid()).isEqualTo(Long.parseLong(fields[2]));
        assertThat(r.sid()).isEqualTo(Long.parseLong(fields[3]));
        assertThat(r.pgid()).isNotEqualTo(r.pid());
    }

    /**
     * With {@code newSession} the child leads a new session and process group.
     * Needs {@code NEW_SESSION}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void newSessionMakesTheChildLeadASessionAndGroup() throws Exception {
        require(Feature.NEW_SESSION);
        ProbeReport r = report(probe("report").newSession());
        assertThat(r.sid()).isEqualTo(r.pid());
        assertThat(r.pgid()).isEqualTo(r.pid());
    }

    /**
     * With {@code processGroup(0)} the child leads a new process group in the
     * parent's session. Needs {@code PROCESS_GROUP}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void processGroupZeroMakesANewGroupInTheSameSession() throws Exception {
        require(Feature.PROCESS_GROUP);
        ProbeReport parent = report(probe("report"));
        ProbeReport r = report(probe("report").processGroup(0));
        assertThat(r.pgid()).isEqualTo(r.pid());
        assertThat(r.sid()).isEqualTo(parent.sid());
    }
}
