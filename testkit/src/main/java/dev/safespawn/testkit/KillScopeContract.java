package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.ChildProcess.Termination;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Signal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Command.KillScope}: {@link ChildProcess#terminate(Duration)} and
 * {@link ChildProcess#close()} end the child's group ({@code GROUP}, on every
 * strategy with {@code PROCESS_GROUP}) or its whole tree ({@code TREE}, on
 * every strategy with {@code TREE_KILL}), grandchildren included.
 *
 * <p>Each grandchild is a {@code sleep 100} whose pid a shell prints; the test
 * opens a pidfd on it while it sleeps (so the pid cannot have been reused),
 * and after the termination waits, bounded, for that pidfd to report the
 * end: the kernel kills at once, the bound only keeps a broken build from
 * hanging. Each test is a JUnit {@code @Test} run through
 * {@link ChildContractSuite}; threading and nulls are as
 * {@link StrategyUnderTest} says.
 */
public interface KillScopeContract extends StrategyUnderTest {

    /**
     * {@code GROUP}: a background job of the shell, in its group, gets the
     * group's {@code SIGTERM} and ends with the shell.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateWithGroupScopeEndsTheBackgroundJobs() throws Exception {
        require(Feature.PROCESS_GROUP);
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c", "sleep 100 & echo $!; wait")
                .processGroup(0).killScope(Command.KillScope.GROUP).build());
        Grandchildren grandchildren = Grandchildren.printedBy(child, 1);
        try {
            Termination t = child.terminate(TerminateContract.LONG_GRACE);

            assertThat(t.signalsSent()).first().isEqualTo(Signal.TERM);
            assertThat(t.status().exitValue()).isEqualTo(128 + Signal.TERM);
            grandchildren.assertAllEnded();
        } finally {
            grandchildren.close();
        }
    }

    /**
     * {@code GROUP}: a group that ignores {@code SIGTERM}, leader and
     * background job alike, is killed whole once the grace period is over.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateWithGroupScopeKillsAGroupThatIgnoresSigterm() throws Exception {
        require(Feature.NEW_SESSION);
        // The ignored disposition is inherited by the background sleep and kept through exec.
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c",
                        "trap '' TERM; sleep 100 & echo $!; exec sleep 100")
                .newSession().killScope(Command.KillScope.GROUP).build());
        Grandchildren grandchildren = Grandchildren.printedBy(child, 1);
        try {
            Termination t = child.terminate(Duration.ofMillis(100));

            assertThat(t.signalsSent()).containsExactly(Signal.TERM, Signal.KILL);
            assertThat(t.status().exitValue()).isEqualTo(128 + Signal.KILL);
            grandchildren.assertAllEnded();
        } finally {
            grandchildren.close();
        }
    }

    /**
     * {@code GROUP}: a leader that has ended, and been reaped, leaving a
     * background job in its group: terminate still reaches the group, and
     * sends {@code SIGKILL} alone to what is left of it.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateWithGroupScopeKillsWhatAReapedLeaderLeft() throws Exception {
        require(Feature.PROCESS_GROUP);
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c", Grandchildren.LEAVES_A_JOB_BEHIND)
                .processGroup(0).killScope(Command.KillScope.GROUP).build());
        Grandchildren grandchildren = Grandchildren.printedBy(child, 1);
        try {
            child.getOutputStream().close(); // the shell's read ends: it exits, its job sleeps on
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the leader ended").isTrue();

            Termination t = child.terminate(TerminateContract.LONG_GRACE);

            assertThat(t.signalsSent()).containsExactly(Signal.KILL);
            assertThat(t.status().exitValue()).isZero();
            grandchildren.assertAllEnded();
        } finally {
            grandchildren.close();
        }
    }

    /**
     * {@code GROUP}: {@code close()} kills the group, not only the child.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void closeWithGroupScopeKillsTheGroup() throws Exception {
        require(Feature.PROCESS_GROUP);
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c", "sleep 100 & echo $!; wait")
                .processGroup(0).killScope(Command.KillScope.GROUP).build());
        Grandchildren grandchildren = Grandchildren.printedBy(child, 1);
        try {
            child.close();

            assertThat(child.exitStatus().exitValue()).isEqualTo(128 + Signal.KILL);
            grandchildren.assertAllEnded();
        } finally {
            grandchildren.close();
        }
    }

    /**
     * {@code TREE}: {@code sh -c 'sleep 100 & sleep 100'} (each sleep's pid
     * printed) is gone after terminate, shell and both sleeps, and nothing
     * is left whose parent was one of them.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateWithTreeScopeEndsBackgroundJobs() throws Exception {
        require(Feature.TREE_KILL);
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c",
                        "sleep 100 & echo $!; sleep 100 & echo $!; wait")
                .killScope(Command.KillScope.TREE).build());
        Grandchildren grandchildren = Grandchildren.printedBy(child, 2);
        try {
            Termination t = child.terminate(TerminateContract.LONG_GRACE);

            assertThat(t.signalsSent()).containsExactly(Signal.TERM);
            assertThat(t.status().exitValue()).isEqualTo(128 + Signal.TERM);
            grandchildren.assertAllReaped();
        } finally {
            grandchildren.close();
        }
    }

    /**
     * {@code TREE}: a daemon (forked twice, in a session of its own, its
     * parents gone) that ignores {@code SIGTERM} is killed with the tree
     * after the grace period, and reaped. No {@code ProcessBuilder} can do
     * this: the daemon's parent is {@code init} by then.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateWithTreeScopeKillsADaemonisedGrandchild() throws Exception {
        require(Feature.TREE_KILL);
        // The subshell exits at once and the setsid shell after printing: the sleep is an orphan.
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c",
                        "(trap '' TERM; setsid /bin/sh -c 'sleep 100 & echo $!' &); exec sleep 100")
                .killScope(Command.KillScope.TREE).build());
        Grandchildren grandchildren = Grandchildren.printedBy(child, 1);
        try {
            long daemon = grandchildren.pids().get(0);
            assertThat(Grandchildren.ProcStat.of(daemon).session()).as("the daemon's session")
                    .isNotEqualTo(Grandchildren.ProcStat.of(child.pid()).session());
            assertThat(Grandchildren.ProcStat.of(daemon).parent()).as("the daemon's parent").isNotEqualTo(child.pid());

            Termination t = child.terminate(Duration.ofMillis(100));

            assertThat(t.status().exitValue()).isEqualTo(128 + Signal.TERM);
            assertThat(t.signalsSent()).containsExactly(Signal.TERM, Signal.KILL);
            grandchildren.assertAllReaped();
        } finally {
            grandchildren.close();
        }
    }

    /**
     * {@code TREE}: {@code close()} kills the tree, daemon included, even
     * when the child itself has already ended.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void closeWithTreeScopeKillsWhatAnEndedChildLeft() throws Exception {
        require(Feature.TREE_KILL);
        require(Feature.STREAMS_OUTLIVE_CHILD); // the daemon prints its pid after the child's exit
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c",
                        "(setsid /bin/sh -c 'sleep 100 & echo $!' &); exit 3")
                .killScope(Command.KillScope.TREE).streamEnd(Command.StreamEnd.LAST_WRITER).build());
        Grandchildren grandchildren = Grandchildren.printedBy(child, 1);
        try {
            assertThat(child.waitFor()).isEqualTo(3);
            assertThat(ParentState.awaitExit(grandchildren.pidfds().get(0), 0)).as("daemon alive before").isFalse();

            child.close();

            grandchildren.assertAllReaped();
        } finally {
            grandchildren.close();
        }
    }
}
