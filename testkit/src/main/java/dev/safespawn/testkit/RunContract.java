package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.Command;
import dev.safespawn.CommandFailedException;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Run;
import dev.safespawn.RunResult;
import dev.safespawn.Signal;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Run}: run and capture, on every strategy (with the event loop where
 * the strategy has {@code ASYNC_IO}, with threads where it has not).
 * Threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface RunContract extends StrategyUnderTest {

    /**
     * 64 MiB on each stream at once, captured whole, without deadlock.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void runCapturesLargeOutputOnBothStreams() throws Exception {
        RunResult r = Run.run(Command.of("sh", "-c",
                "head -c 67108864 /dev/zero & head -c 67108864 /dev/zero >&2; wait"), spawner());

        assertThat(r.status()).isEqualTo(ExitStatus.exited(0));
        assertThat(r.stdout()).hasSize(64 << 20);
        assertThat(r.stderr()).hasSize(64 << 20);
        assertThat(r.stdoutTruncated() || r.stderrTruncated() || r.timedOut()).isFalse();
        assertThat(r.succeeded()).isTrue();
    }

    /**
     * 16 MiB in while the child echoes it back: the input is fed as the
     * output is read (writing it all first would deadlock on the full pipes),
     * and every byte comes back in order.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void runFeedsAndCapturesAtOnceWithoutDeadlock() throws Exception {
        byte[] input = new byte[16 << 20];
        new Random(42).nextBytes(input);

        RunResult r = Run.of(Command.of("sh", "-c", "cat; echo done >&2")).input(input).run(spawner());

        assertThat(r.status()).isEqualTo(ExitStatus.exited(0));
        assertThat(Arrays.equals(r.stdout(), input)).as("stdout equals the input").isTrue();
        assertThat(r.stderrText()).isEqualTo("done\n");
    }

    /**
     * Text in, text out, with the charset's multi-byte characters intact.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runFeedsTextAndDecodesOutput() throws Exception {
        RunResult r = Run.of(Command.of("cat")).input("héllo wörld €\n", StandardCharsets.UTF_8).run(spawner());

        assertThat(r.stdoutText()).isEqualTo("héllo wörld €\n");
        assertThat(r.stderrText()).isEmpty();
    }

    /**
     * An {@code InputStream} larger than any pipe reaches the child whole; without input stdin reads end of file.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runCopiesAnInputStreamAndClosesStdin() throws Exception {
        InputStream in = new ByteArrayInputStream(new byte[3 << 20]);

        RunResult fed = Run.of(Command.of("wc", "-c")).input(in).run(spawner());
        RunResult none = Run.run(Command.of("wc", "-c"), spawner());

        assertThat(fed.stdoutText().strip()).isEqualTo(String.valueOf(3 << 20));
        assertThat(none.stdoutText().strip()).isEqualTo("0");
    }

    /**
     * A file input becomes the child's stdin.
     *
     * @param dir a temporary directory
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runTakesAFileAsStdin(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("in.txt"), "from a file\n");

        RunResult r = Run.of(Command.of("cat")).input(file).run(spawner());

        assertThat(r.stdoutText()).isEqualTo("from a file\n");
        assertThatThrownBy(() -> Run.of(Command.builder("cat").stdin(Redirect.DISCARD).build()).input(file).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input");
    }

    /**
     * Past the limit, {@code TRUNCATE} keeps the head and lets the child finish; {@code KILL} kills it.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runLimitsOutputByTruncatingOrKilling() throws Exception {
        RunResult cut = Run.of(Command.of("head", "-c", "1000000", "/dev/zero"))
                .maxOutput(1000, Run.Overflow.TRUNCATE).run(spawner());
        RunResult killed = Run.of(Command.of("yes")).maxOutput(1000, Run.Overflow.KILL).run(spawner());

        assertThat(cut.stdout()).hasSize(1000);
        assertThat(cut.stdoutTruncated()).isTrue();
        assertThat(cut.status()).isEqualTo(ExitStatus.exited(0));
        assertThat(killed.stdout()).hasSize(1000);
        assertThat(killed.killedForOutput()).isTrue();
        assertThat(killed.status().exitValue()).isEqualTo(128 + Signal.KILL);
        assertThat(killed.succeeded()).isFalse();
    }

    /**
     * With {@link Command.StreamEnd#LAST_WRITER}, a run captures what a
     * grandchild writes after the child has exited and been reaped (here, its
     * copy of the run's input, which it starts reading only once its parent
     * is gone), and ends when the grandchild does. Needs
     * {@code STREAMS_OUTLIVE_CHILD}.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runWithLastWriterCapturesAGrandchildThatWritesAfterTheExit() throws Exception {
        require(dev.safespawn.Feature.STREAMS_OUTLIVE_CHILD);
        Command command = Command.builder("/bin/sh", "-c",
                        "exec 3<&0; (while kill -0 $$ 2>/dev/null; do :; done; exec cat <&3) & echo started")
                .streamEnd(Command.StreamEnd.LAST_WRITER).build();
        RunResult r = Run.of(command).input("after the exit\n", StandardCharsets.US_ASCII).run(spawner());
        assertThat(r.status()).isEqualTo(ExitStatus.exited(0));
        assertThat(r.stdoutText()).isEqualTo("started\nafter the exit\n");
    }

    /**
     * The timeout ends a child that ignores {@code SIGTERM}: {@code SIGKILL} after the grace period.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runTimeoutEndsAChildIgnoringSigterm() throws Exception {
        RunResult r = Run.of(Command.of("sh", "-c", "trap '' TERM; echo ready; exec sleep 60"))
                .timeout(Duration.ofMillis(300)).grace(Duration.ofMillis(100)).run(spawner());

        assertThat(r.timedOut()).isTrue();
        assertThat(r.status().exitValue()).isEqualTo(128 + Signal.KILL);
        assertThat(r.stdoutText()).isEqualTo("ready\n");
        assertThatThrownBy(r::check).isInstanceOf(CommandFailedException.class).hasMessageContaining("timed out");
    }

    /**
     * {@code check()} turns a non-zero exit into a typed exception carrying the status and stderr's tail.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runCheckReportsTheFailure() throws Exception {
        Command failing = Command.of("sh", "-c", "echo 'no such thing' >&2; exit 3");

        assertThatThrownBy(() -> Run.of(failing).check().run(spawner()))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.result().status()).isEqualTo(ExitStatus.exited(3));
                    assertThat(e.getMessage()).contains("no such thing").contains("sh");
                });
        assertThat(Run.run(Command.of("true"), spawner()).check().succeeded()).isTrue();
    }

    /**
     * A background grandchild that keeps the pipes open does not hold the run up.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runEndsWithTheChildNotWithAGrandchild() throws Exception {
        RunResult r = Run.run(Command.of("sh", "-c", "sleep 60 & echo $!"), spawner());

        String pid = r.stdoutText().strip();
        assertThat(pid).matches("[0-9]+");
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(r.status()).isEqualTo(ExitStatus.exited(0));
    }

    /**
     * Interrupting the running thread kills the child and says so.
     *
     * @param dir a temporary directory for the FIFO the child reports its start through
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runInterruptKillsTheChild(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("started");
        assertThat(Run.run(Command.of("mkfifo", fifo.toString()), spawner()).succeeded()).isTrue();
        CompletableFuture<Thread> runner = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            runner.complete(Thread.currentThread());
            try {
                Run.run(Command.of("sh", "-c", "echo $$ > \"$0\"; exec sleep 60", fifo.toString()), spawner());
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        String pid = Files.readString(fifo).strip(); // opens once the child writes: it is running
        runner.get().interrupt();

        Throwable thrown = outcome.get(60, TimeUnit.SECONDS);
        t.join();
        assertThat(thrown).isInstanceOf(InterruptedException.class).hasMessageContaining("killed");
        assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    /**
     * Merged stderr arrives in stdout.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void runMergesStderrWhenAsked() throws Exception {
        RunResult r = Run.of(Command.of("sh", "-c", "echo out; echo err >&2")).mergeStderr().run(spawner());

        assertThat(r.stdoutText()).isEqualTo("out\nerr\n");
        assertThat(r.stderr()).isEmpty();
    }
}
