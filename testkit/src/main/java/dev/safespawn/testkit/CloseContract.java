package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.ChildProcess;
import dev.safespawn.ExitStatus;
import dev.safespawn.Signal;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ChildProcess#close()}: the contract of JDK 26's {@code Process.close()}
 * on every strategy. Streams closed, a running child killed and waited for, an
 * ended one left alone, idempotent, and an interrupt kept, not lost.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface CloseContract extends StrategyUnderTest {

    /**
     * Closing a running child kills it with {@code SIGKILL} and returns only
     * once it has ended; its streams are closed.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void closeKillsARunningChildAndWaitsForIt() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());
        assertThat(child.isAlive()).isTrue();

        child.close();

        assertThat(child.isAlive()).isFalse();
        assertThat(child.exitValue()).isEqualTo(128 + Signal.KILL);
        assertThat(child.onExit().get(60, TimeUnit.SECONDS)).isSameAs(child);
        assertStreamsClosed(child);
    }

    /**
     * A child that has already ended keeps its exit status: close sends no signal.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void closeLeavesAnEndedChildsStatusAlone() throws Exception {
        ChildProcess child = spawner().spawn(probe("exit", "3").build());
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        child.close();

        assertThat(child.exitStatus()).isEqualTo(ExitStatus.exited(3));
        assertStreamsClosed(child);
    }

    /**
     * Output the child wrote before close stays readable up to close, and
     * try-with-resources closes the child as a resource.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void tryWithResourcesClosesTheChild() throws Exception {
        ChildProcess escaped;
        try (ChildProcess child = spawner().spawn(probe("cat").build())) {
            escaped = child;
            child.getOutputStream().write("hello\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            child.getOutputStream().flush();
            byte[] line = child.getInputStream().readNBytes(6);
            assertThat(new String(line, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("hello\n");
        }
        assertThat(escaped.isAlive()).isFalse();
        assertStreamsClosed(escaped);
    }

    /**
     * Close also releases the parent's ends of the extra pipes: writing to one
     * or reading from the other fails afterwards. Needs {@code PASS_FD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void closeReleasesTheExtraPipes() throws Exception {
        require(dev.safespawn.Feature.PASS_FD);
        ChildProcess child = spawner().spawn(probe("sleep").pipeToChild(5).pipeFromChild(6).build());
        OutputStream toChild = child.pipeTo(5);
        java.io.InputStream fromChild = child.pipeFrom(6);

        child.close();

        assertThat(child.isAlive()).isFalse();
        assertThatThrownBy(() -> {
            toChild.write(1);
            toChild.flush();
        }).as("writing an extra pipe after close").isInstanceOf(IOException.class);
        assertThatThrownBy(fromChild::read).as("reading an extra pipe after close").isInstanceOf(IOException.class);
    }

    /**
     * Only the first close does anything: later calls, and calls from other
     * threads at the same time, return without error and change nothing.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void closeIsIdempotentAndThreadSafe() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            closes.add(CompletableFuture.runAsync(() -> {
                try {
                    child.close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        child.close();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(128 + Signal.KILL);
    }

    /**
     * A thread interrupted while close waits still sees the child ended when
     * close returns, and finds its interrupt status set, not swallowed.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void closeKeepsTheInterruptAndStillWaits() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());
        try {
            Thread.currentThread().interrupt();
            child.close();
            assertThat(Thread.currentThread().isInterrupted()).as("interrupt status after close").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(child.isAlive()).isFalse();
        assertThat(child.exitValue()).isEqualTo(128 + Signal.KILL);
    }

    private static void assertStreamsClosed(ChildProcess child) {
        OutputStream stdin = child.getOutputStream();
        assertThatThrownBy(() -> {
            stdin.write(1);
            stdin.flush();
        }).as("writing stdin after close").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> child.getInputStream().read()).as("reading stdout after close")
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> child.getErrorStream().read()).as("reading stderr after close")
                .isInstanceOf(IOException.class);
    }
}
