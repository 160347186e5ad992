package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.AsyncChild;
import dev.safespawn.ChildHandler;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Feature;
import dev.safespawn.Signal;
import dev.safespawn.SpawnException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link dev.safespawn.Spawner#spawnAsync}: a child's streams driven by a
 * {@link ChildHandler}, on strategies with {@link Feature#ASYNC_IO} (the
 * others skip, and say so). Threading and nulls are as
 * {@link StrategyUnderTest} says.
 */
public interface AsyncContract extends StrategyUnderTest {

    /**
     * Bytes queued with {@code writeStdin} come back from {@code cat} whole and in order,
     * and the callbacks arrive in the documented order.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void asyncEchoKeepsEveryByteInOrder() throws Exception {
        require(Feature.ASYNC_IO);
        byte[] data = randomBytes(1 << 20);
        Recorder rec = new Recorder() {
            @Override
            public void onStart(AsyncChild child) {
                super.onStart(child);
                child.writeStdin(ByteBuffer.wrap(data, 0, data.length / 2));
                child.writeStdin(ByteBuffer.allocateDirect(data.length - data.length / 2)
                        .put(data, data.length / 2, data.length - data.length / 2).flip());
                child.closeStdin(false);
            }
        };
        AsyncChild child = spawner().spawnAsync(Command.of("cat"), rec);

        ExitStatus status = child.completion().get(60, TimeUnit.SECONDS);

        assertThat(status).isEqualTo(ExitStatus.exited(0));
        assertThat(rec.stdout.toByteArray()).isEqualTo(data);
        assertThat(rec.events).containsSubsequence("start", "stdout closed", "exit 0");
        assertThat(rec.events).containsSubsequence("start", "stderr closed", "exit 0");
        assertThat(rec.events).last().isEqualTo("exit 0");
        assertThat(Collections.frequency(rec.events, "stdout closed")).isOne();
        assertThat(child.process().getInputStream().read()).as("the process's own stdout belongs to the handler")
                .isEqualTo(-1);
        assertThat(child.handlerFailure()).isEmpty();
        assertThat(child.hasPendingWrites()).isFalse();
    }

    /**
     * {@code wantWrite} and {@code onStdinReady} feed stdin until the handler says it is done.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void asyncStdinReadyFeedsTheChild() throws Exception {
        require(Feature.ASYNC_IO);
        Recorder rec = new Recorder() {
            private int chunks;

            @Override
            public void onStart(AsyncChild child) {
                super.onStart(child);
                child.wantWrite();
            }

            @Override
            public boolean onStdinReady(ByteBuffer buffer) {
                buffer.put(("line " + chunks++ + "\n").getBytes(StandardCharsets.US_ASCII)).flip();
                if (chunks == 3) {
                    child.closeStdin(false);
                    return false;
                }
                return true;
            }
        };
        AsyncChild child = spawner().spawnAsync(Command.of("cat"), rec);

        assertThat(child.completion().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
        assertThat(rec.stdout.toString(StandardCharsets.US_ASCII)).isEqualTo("line 0\nline 1\nline 2\n");
    }

    /**
     * Output on both streams at once, and standard error kept apart.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void asyncDeliversBothStreams() throws Exception {
        require(Feature.ASYNC_IO);
        Recorder rec = new Recorder();
        AsyncChild child = spawner().spawnAsync(Command.of("sh", "-c",
                "head -c 3000000 /dev/zero; echo oops >&2; exit 3"), rec);

        assertThat(child.completion().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(3));
        assertThat(rec.stdout.size()).isEqualTo(3_000_000);
        assertThat(rec.stderr.toString(StandardCharsets.US_ASCII)).isEqualTo("oops\n");
        assertThat(child.process().exitStatus()).isEqualTo(ExitStatus.exited(3));
    }

    /**
     * A stream that is not a pipe gets just its {@code closed} call.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void asyncMergedStderrGetsOnlyItsClosedCall() throws Exception {
        require(Feature.ASYNC_IO);
        Recorder rec = new Recorder();
        AsyncChild child = spawner().spawnAsync(Command.builder("sh", "-c", "echo out; echo err >&2")
                .redirectErrorStream().build(), rec);

        child.completion().get(60, TimeUnit.SECONDS);

        assertThat(rec.stdout.toString(StandardCharsets.US_ASCII)).isEqualTo("out\nerr\n");
        assertThat(rec.stderr.size()).isZero();
        assertThat(rec.events).contains("stderr closed");
    }

    /**
     * A background grandchild holding stdout open does not delay the end:
     * the handler gets what was written and {@code onExit} once the child exits.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void asyncEndsWithTheChildNotWithAGrandchild() throws Exception {
        require(Feature.ASYNC_IO);
        Recorder rec = new Recorder();
        AsyncChild child = spawner().spawnAsync(Command.of("sh", "-c", "sleep 60 & echo $!; echo started"), rec);
        try {
            assertThat(child.completion().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
            assertThat(rec.stdout.toString(StandardCharsets.US_ASCII)).endsWith("\nstarted\n");
        } finally {
            String pid = rec.stdout.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
            if (pid.matches("[0-9]+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * With {@code LAST_WRITER} the handler keeps a grandchild's streams after
     * the child's exit: stdin still reaches it, and its late output arrives
     * before {@code onExit}.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void asyncLastWriterKeepsAGrandchildsStreams() throws Exception {
        require(Feature.ASYNC_IO);
        require(Feature.STREAMS_OUTLIVE_CHILD);
        Recorder rec = new Recorder() {
            @Override
            public void onStdout(ByteBuffer buffer, boolean closed) {
                super.onStdout(buffer, closed);
                if (!closed && stdout.toString(StandardCharsets.US_ASCII).equals("started\n")) {
                    child.writeStdin(ByteBuffer.wrap("late\n".getBytes(StandardCharsets.US_ASCII)));
                    child.closeStdin(false);
                }
            }
        };
        AsyncChild child = spawner().spawnAsync(Command.builder("sh", "-c",
                        // fd 3: a background job's own stdin is /dev/null in a shell without job control
                        "exec 3<&0; (read line <&3; echo \"$line\") & echo started")
                .streamEnd(Command.StreamEnd.LAST_WRITER).build(), rec);

        assertThat(child.completion().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
        assertThat(rec.stdout.toString(StandardCharsets.US_ASCII)).isEqualTo("started\nlate\n");
    }

    /**
     * A {@link dev.safespawn.LineHandler} gets the child's lines, decoded, CRLF or not.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void asyncLinesArriveDecoded() throws Exception {
        require(Feature.ASYNC_IO);
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        List<String> err = Collections.synchronizedList(new ArrayList<>());
        AsyncChild child = spawner().spawnAsync(Command.of("sh", "-c",
                "printf 'h\\303\\251llo\\nw\\303\\266rld\\r\\nlast'; printf 'oops\\n' >&2"),
                new dev.safespawn.LineHandler() {
                    @Override
                    protected void onStdoutLine(String line) {
                        out.add(line);
                    }

                    @Override
                    protected void onStderrLine(String line) {
                        err.add(line);
                    }
                });

        child.completion().get(60, TimeUnit.SECONDS);

        assertThat(out).containsExactly("héllo", "wörld", "last");
        assertThat(err).containsExactly("oops");
    }

    /**
     * A callback that throws ends only its own child: it is killed, its streams get their
     * {@code closed} calls, {@code onExit} comes, and the exception is kept; another child is untouched.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void asyncHandlerThatThrowsEndsOnlyItsChild() throws Exception {
        require(Feature.ASYNC_IO);
        RuntimeException boom = new IllegalStateException("boom");
        Recorder failing = new Recorder() {
            @Override
            public void onStart(AsyncChild child) {
                super.onStart(child);
                child.writeStdin(ByteBuffer.wrap("x\n".getBytes(StandardCharsets.US_ASCII)));
            }

            @Override
            public void onStdout(ByteBuffer buffer, boolean closed) {
                super.onStdout(buffer, closed);
                if (!closed) {
                    throw boom;
                }
            }
        };
        Recorder healthy = new Recorder();
        AsyncChild other = spawner().spawnAsync(Command.of("cat"), healthy);
        AsyncChild child = spawner().spawnAsync(Command.of("cat"), failing);

        ExitStatus status = child.completion().get(60, TimeUnit.SECONDS);

        assertThat(status.exitValue()).isEqualTo(128 + Signal.KILL);
        assertThat(child.handlerFailure()).containsSame(boom);
        assertThat(failing.events).containsSubsequence("stdout closed", "exit " + status.exitValue());
        assertThat(other.process().isAlive()).isTrue();
        other.writeStdin(ByteBuffer.wrap("still here\n".getBytes(StandardCharsets.US_ASCII)));
        other.closeStdin(false);
        assertThat(other.completion().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
        assertThat(healthy.stdout.toString(StandardCharsets.US_ASCII)).isEqualTo("still here\n");
        assertThat(other.handlerFailure()).isEmpty();
    }

    /**
     * With an executor, a handler blocked in a callback delays only its own child:
     * another child runs to its end meanwhile.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(60)
    default void asyncSlowHandlerOnAnExecutorDelaysOnlyItsChild() throws Exception {
        require(Feature.ASYNC_IO);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            Recorder slow = new Recorder() {
                @Override
                public void onStdout(ByteBuffer buffer, boolean closed) {
                    if (!closed && blocked.getCount() > 0) {
                        blocked.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt(); // the executor's shutdown: stop holding the child
                        }
                    }
                    super.onStdout(buffer, closed);
                }
            };
            AsyncChild stuck = spawner().spawnAsync(Command.of("head", "-c", "5000000", "/dev/zero"), slow, executor);
            blocked.await();
            Recorder quick = new Recorder();
            AsyncChild free = spawner().spawnAsync(Command.of("head", "-c", "5000000", "/dev/zero"), quick, executor);

            assertThat(free.completion().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
            assertThat(quick.stdout.size()).isEqualTo(5_000_000);
            assertThat(stuck.completion()).isNotDone();

            release.countDown();
            assertThat(stuck.completion().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
            assertThat(slow.stdout.size()).isEqualTo(5_000_000);
        } finally {
            executor.shutdownNow();
            executor.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /**
     * A command that cannot start fails with its typed exception and calls no callback.
     *
     * @throws Exception if the test cannot run to its end; a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void asyncSpawnFailureCallsNoCallback() throws Exception {
        require(Feature.ASYNC_IO);
        Recorder rec = new Recorder();

        assertThatThrownBy(() -> spawner().spawnAsync(Command.of("/nonexistent/safespawn-async"), rec))
                .isInstanceOf(SpawnException.class);
        assertThat(rec.events).isEmpty();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    /** Collects what a handler is told; its lists are only read after the child's completion. */
    class Recorder implements ChildHandler {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        volatile AsyncChild child;

        /** A recorder that has been told nothing yet. */
        public Recorder() {
        }

        @Override
        public void onStart(AsyncChild child) {
            this.child = child;
            events.add("start");
        }

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            copy(buffer, stdout);
            if (closed) {
                events.add("stdout closed");
            }
        }

        @Override
        public void onStderr(ByteBuffer buffer, boolean closed) {
            copy(buffer, stderr);
            if (closed) {
                events.add("stderr closed");
            }
        }

        @Override
        public void onExit(ExitStatus status) {
            events.add("exit " + status.exitValue());
        }

        private static void copy(ByteBuffer from, ByteArrayOutputStream to) {
            byte[] b = new byte[from.remaining()];
            from.get(b);
            synchronized (to) {
                to.write(b, 0, b.length);
            }
        }
    }
}
