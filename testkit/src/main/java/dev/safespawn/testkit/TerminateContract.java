package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.ChildProcess;
import dev.safespawn.ChildProcess.Termination;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Feature;
import dev.safespawn.Signal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ChildProcess#terminate(Duration)}: {@code SIGTERM}, a grace period,
 * {@code SIGKILL}, then the parent's pipe ends closed, on every strategy.
 *
 * <p>A child that ignores {@code SIGTERM} is a shell that ignores it and then
 * execs {@code sleep}, which inherits the ignored disposition: one process,
 * no grandchild that could outlive the test. (Not a shell reading stdin: the
 * {@code jdk} strategy closes the streams on {@code destroy()}, so such a
 * child would end by itself.) Each test is a JUnit {@code @Test} run through
 * {@link ChildContractSuite}; threading and nulls are as
 * {@link StrategyUnderTest} says.
 */
public interface TerminateContract extends StrategyUnderTest {

    /** A grace period no healthy child needs, so an end by SIGTERM is never cut short. */
    Duration LONG_GRACE = Duration.ofSeconds(60);

    /**
     * A child that ends on {@code SIGTERM} is sent only that, and its status
     * says so (with {@code SIGNALS}; otherwise its exit value is 128 + 15).
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateEndsAChildBySigterm() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());

        Termination t = child.terminate(LONG_GRACE);

        assertThat(t.signalsSent()).containsExactly(Signal.TERM);
        assertThat(child.isAlive()).isFalse();
        assertThat(t.status().exitValue()).isEqualTo(128 + Signal.TERM);
        if (spawner().features().contains(Feature.SIGNALS)) {
            assertThat(t.status()).isEqualTo(ExitStatus.killedBy(Signal.TERM));
        }
        assertThat(t.status()).isEqualTo(child.exitStatus());
    }

    /**
     * A child that ignores {@code SIGTERM} is killed with {@code SIGKILL}
     * once the grace period is over, and its pipes are closed afterwards.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateKillsAChildThatIgnoresSigterm() throws Exception {
        ChildProcess child = startIgnoringSigterm();

        Termination t = child.terminate(Duration.ofMillis(100));

        assertThat(t.signalsSent()).containsExactly(Signal.TERM, Signal.KILL);
        assertThat(child.isAlive()).isFalse();
        assertThat(t.status().exitValue()).isEqualTo(128 + Signal.KILL);
        assertThatThrownBy(() -> child.getInputStream().read()).as("reading stdout after terminate")
                .isInstanceOf(IOException.class);
    }

    /**
     * A child that has already ended is sent nothing and keeps its status.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateLeavesAnEndedChildAlone() throws Exception {
        ChildProcess child = spawner().spawn(probe("exit", "3").build());
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        Termination t = child.terminate(LONG_GRACE);

        assertThat(t.signalsSent()).isEmpty();
        assertThat(t.status()).isEqualTo(ExitStatus.exited(3));
        assertThatThrownBy(() -> t.signalsSent().add(Signal.KILL)).isInstanceOf(UnsupportedOperationException.class);
    }

    /**
     * An interrupt during the grace period cuts it short: {@code SIGKILL} is
     * still sent and waited for, and the interrupt status is kept.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateKeepsTheInterruptAndStillKills() throws Exception {
        ChildProcess child = startIgnoringSigterm();
        Termination t;
        try {
            Thread.currentThread().interrupt();
            t = child.terminate(LONG_GRACE);
            assertThat(Thread.currentThread().isInterrupted()).as("interrupt status after terminate").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(t.signalsSent()).containsExactly(Signal.TERM, Signal.KILL);
        assertThat(child.isAlive()).isFalse();
        assertThat(child.exitValue()).isEqualTo(128 + Signal.KILL);
    }

    /**
     * A grace too long to count in nanoseconds is no error: the child that
     * ends on {@code SIGTERM} ends, and nothing overflows.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateTakesAnyLongGrace() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());

        Termination t = child.terminate(Duration.ofSeconds(Long.MAX_VALUE));

        assertThat(t.signalsSent()).containsExactly(Signal.TERM);
        assertThat(t.status().exitValue()).isEqualTo(128 + Signal.TERM);
    }

    /**
     * A null grace is a {@code NullPointerException}, a negative one an
     * {@code IllegalArgumentException}; neither signals the child.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateRejectsANullOrNegativeGrace() throws Exception {
        try (ChildProcess child = spawner().spawn(probe("sleep").build())) {
            assertThatThrownBy(() -> child.terminate(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> child.terminate(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(child.isAlive()).isTrue();
        }
    }

    /**
     * A thread blocked reading the child's stdout is woken by terminate even
     * though a grandchild still holds the pipe open: terminate closes the
     * parent's end. The grandchild is a {@code cat} that reads an extra pipe
     * and so ends when terminate closes that pipe too, after stdout; it
     * cannot outlive the test. Needs {@code ASYNC_CLOSE} (a blocked read
     * returns at once) and {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void terminateWakesAReaderWhileAGrandchildHoldsThePipe() throws Exception {
        require(Feature.ASYNC_CLOSE);
        require(Feature.PASS_FD);
        // An explicit redirection, since a background job's stdin is otherwise /dev/null.
        try (ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c", "cat <&5 & echo started; wait")
                .pipeToChild(5).build())) {
            BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(lines.readLine()).isEqualTo("started");
            CompletableFuture<Object> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return lines.read(); // blocks: the grandchild cat keeps the write end open
                } catch (IOException e) {
                    return e;
                }
            });

            Termination t = child.terminate(LONG_GRACE);

            assertThat(t.signalsSent()).containsExactly(Signal.TERM);
            assertThat(t.status().exitValue()).isEqualTo(128 + Signal.TERM);
            // Hang guard only: the read returns as soon as the stream is closed.
            Object woken = reader.get(60, TimeUnit.SECONDS);
            assertThat(woken).as("what the blocked read returned").satisfiesAnyOf(
                    r -> assertThat(r).isEqualTo(-1), r -> assertThat(r).isInstanceOf(IOException.class));
        }
    }

    /**
     * Starts a {@code sleep} that ignores {@code SIGTERM}, and
     * returns once the trap is set (it says so on stdout).
     *
     * @return the running shell
     * @throws IOException if it cannot be started or its line read
     */
    private ChildProcess startIgnoringSigterm() throws IOException {
        ChildProcess child = spawner().spawn(
                Command.builder("/bin/sh", "-c", "trap '' TERM; echo ready; exec sleep 100").build());
        byte[] ready = child.getInputStream().readNBytes(6);
        assertThat(new String(ready, StandardCharsets.US_ASCII)).isEqualTo("ready\n");
        return child;
    }

}
