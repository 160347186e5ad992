package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Feature;
import dev.safespawn.Signal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Exit codes, signals, destroy, process groups and the Process contract around them.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface LifecycleContract extends StrategyUnderTest {

    /**
     * Exit codes 0, 1, 42 and 255 come back unchanged from {@code exitValue()}
     * and {@code exitStatus()}; the child is then not alive, and
     * {@code onExit()} completes with it.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void exitCodesComeBackAsTheyWere() throws Exception {
        for (int code : new int[] {0, 1, 42, 255}) {
            Finished f = run(probe("exit", Integer.toString(code)).build());
            assertThat(f.child().exitValue()).isEqualTo(code);
            assertThat(f.child().exitStatus()).isEqualTo(ExitStatus.exited(code));
            assertThat(f.child().isAlive()).isFalse();
            assertThat(f.child().onExit().get(60, TimeUnit.SECONDS)).isSameAs(f.child());
        }
    }

    /**
     * A child killed by a signal has exit value 128 + signal and, with
     * {@code SIGNALS}, an {@code ExitStatus} naming the signal.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void deathBySignalIsReportedAsASignal() throws Exception {
        Finished f = run(probe("kill-self", Integer.toString(Signal.USR1)).build());
        assertThat(f.child().exitValue()).isEqualTo(128 + Signal.USR1);
        if (spawner().features().contains(Feature.SIGNALS)) {
            assertThat(f.child().exitStatus()).isEqualTo(ExitStatus.killedBy(Signal.USR1));
            assertThat(f.child().exitStatus().signalName()).isEqualTo("SIGUSR1");
        }
    }

    /**
     * {@code destroy()} sends {@code SIGTERM}, and
     * {@code supportsNormalTermination()} is true.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void destroySendsSigterm() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());
        assertThat(child.isAlive()).isTrue();
        assertThat(child.supportsNormalTermination()).isTrue();
        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(128 + Signal.TERM);
        closeStreams(child);
    }

    /**
     * {@code destroyForcibly()} sends {@code SIGKILL} and returns the child;
     * {@code onExit()} completes with it, and its handle is then not alive.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void destroyForciblySendsSigkill() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());
        assertThat(child.destroyForcibly()).isSameAs(child);
        assertThat(child.onExit().get(60, TimeUnit.SECONDS)).isSameAs(child);
        assertThat(child.exitValue()).isEqualTo(128 + Signal.KILL);
        assertThat(child.toHandle().isAlive()).isFalse();
        closeStreams(child);
    }

    /**
     * {@code waitFor} with a zero timeout returns false for a running child,
     * whose handle has its pid and is alive.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void waitForWithTimeoutReturnsFalseWhileRunning() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());
        try {
            assertThat(child.waitFor(0, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(child.toHandle().pid()).isEqualTo(child.pid());
            assertThat(child.toHandle().isAlive()).isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor();
            closeStreams(child);
        }
    }

    /**
     * An interrupted {@code waitFor} throws {@code InterruptedException} with
     * the interrupt status cleared (at once when already interrupted), and
     * leaves the child running.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void waitForIsInterruptibleAndLeavesTheChildRunning() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());
        try {
            AtomicReference<String> outcome = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    child.waitFor();
                    outcome.set("returned");
                } catch (InterruptedException e) {
                    outcome.set(Thread.currentThread().isInterrupted() ? "interrupted, flag still set" : "interrupted");
                }
            });
            waiter.start();
            // Once is enough: an interrupt that lands before the waiter blocks leaves the
            // flag set, and waitFor must then throw at once. Repeating it could set the
            // flag again after waitFor has thrown and cleared it.
            waiter.interrupt();
            waiter.join();
            assertThat(outcome.get()).isEqualTo("interrupted");
            assertThat(child.isAlive()).isTrue();

            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> child.waitFor(1, TimeUnit.HOURS)).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("the interrupt status is cleared").isFalse();
            assertThat(child.isAlive()).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor()).isEqualTo(128 + Signal.KILL);
            closeStreams(child);
        }
    }

    /**
     * Five threads waiting for one child all see its death by {@code SIGKILL},
     * and no descriptor (the pidfd included) is left afterwards.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void everyThreadWaitingForOneChildSeesItsEndAndNothingIsLeft() throws Exception {
        Set<String> fdsBefore = ParentState.openFds();
        ChildProcess child = spawner().spawn(probe("sleep").build());
        ExecutorService waiters = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                codes.add(waiters.submit(() -> child.waitFor()));
            }
            codes.add(waiters.submit(() -> child.waitFor(1, TimeUnit.HOURS) ? child.exitValue() : -1));
            child.destroyForcibly();
            for (Future<Integer> code : codes) {
                assertThat(code.get(60, TimeUnit.SECONDS)).isEqualTo(128 + Signal.KILL);
            }
        } finally {
            waiters.shutdownNow();
            child.destroyForcibly();
            child.waitFor();
            closeStreams(child);
        }
        assertThat(waiters.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ParentState.openFds()).as("no descriptor left, the pidfd included").isSubsetOf(fdsBefore);
    }

    /**
     * Signalling a reaped child returns false and sends nothing;
     * {@code destroy()} on it does nothing.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void signallingAReapedChildHitsNothing() throws Exception {
        Finished f = run(probe("exit", "0").build());
        assertThat(f.child().signal(Signal.KILL)).isFalse();
        f.child().destroy(); // a no-op, as for ProcessBuilder's children
        assertThat(f.child().exitValue()).isZero();
    }

    /**
     * {@code signalGroup} on a session leader reaches every member of its group.
     * Needs {@code NEW_SESSION} and {@code SIGNALS}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void signalGroupKillsTheWholeNewGroup() throws Exception {
        require(Feature.NEW_SESSION);
        require(Feature.SIGNALS);
        // A shell leads the new session and starts two probes in its group,
        // printing their pids once they exist.
        String probePath = Probe.path().toString();
        ChildProcess shell = spawner().spawn(Command.builder("/bin/sh", "-c",
                "'" + probePath + "' sleep & echo $!; '" + probePath + "' sleep & echo $!; wait").newSession().build());
        List<Integer> members = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 2; i++) {
                // A pidfd, opened while the member surely lives, tells when it has exited.
                members.add(ParentState.pidfdOf(Integer.parseInt(out.readLine())));
            }
            assertThat(shell.signalGroup(Signal.KILL)).isTrue();
            assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(shell.exitStatus()).isEqualTo(ExitStatus.killedBy(Signal.KILL));
            for (int pidfd : members) {
                assertThat(ParentState.awaitExit(pidfd, 60_000)).as("group member exited").isTrue();
            }
        } finally {
            members.forEach(ParentState::close);
        }
        closeStreams(shell);
    }

    /**
     * {@code signalGroup} still reaches a group whose leader has ended and
     * been reaped, for the members left running. Needs {@code PROCESS_GROUP}
     * and {@code SIGNALS}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void signalGroupReachesWhatAReapedLeaderLeft() throws Exception {
        require(Feature.PROCESS_GROUP);
        require(Feature.SIGNALS);
        try (ChildProcess leader = spawner().spawn(Command.builder("/bin/sh", "-c",
                Grandchildren.LEAVES_A_JOB_BEHIND).processGroup(0).build());
             Grandchildren members = Grandchildren.printedBy(leader, 1)) {
            leader.getOutputStream().close(); // the shell's read ends: it exits, its job sleeps on
            assertThat(leader.waitFor(60, TimeUnit.SECONDS)).as("the leader ended").isTrue();
            assertThat(leader.exitValue()).isZero();

            assertThat(leader.signalGroup(Signal.KILL)).isTrue();

            members.assertAllEnded();
        }
    }

    private static void closeStreams(ChildProcess child) throws Exception {
        child.getInputStream().close();
        child.getErrorStream().close();
        child.getOutputStream().close();
    }
}
