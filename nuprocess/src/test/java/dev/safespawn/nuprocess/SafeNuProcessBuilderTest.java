package dev.safespawn.nuprocess;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import dev.safespawn.ExitStatus;
import dev.safespawn.SpawnException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NuProcess 3.0's documented behaviour, one test per method of its API,
 * through {@link SafeNuProcessBuilder} on every strategy that drives a handler.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class SafeNuProcessBuilderTest {
    private final Strategies strategies = new Strategies();

    @AfterAll
    void closeSpawners() {
        strategies.close();
    }

    Iterable<String> names() {
        return Strategies.names().toList();
    }

    private SafeNuProcessBuilder builder(String strategy, Recorder handler, String... command) {
        SafeNuProcessBuilder b = new SafeNuProcessBuilder(handler, command);
        b.setSpawner(strategies.get(strategy));
        return b;
    }

    private SafeNuProcess start(String strategy, Recorder handler, String... command) {
        return builder(strategy, handler, command).start();
    }

    private static String[] sh(String script) {
        return new String[] {"sh", "-c", script};
    }

    /** Waits without limit for the end of a child that must have started. */
    private static int waitOk(NuProcess p) throws InterruptedException {
        int code = p.waitFor(0, TimeUnit.SECONDS);
        assertThat(code).as("exit code").isNotEqualTo(Integer.MIN_VALUE);
        return code;
    }

    // ---- NuProcessBuilder

    @Test
    void isANuProcessBuilderWithItsConstructorShapes() {
        Recorder h = new Recorder();
        NuProcessBuilder[] all = {
            new SafeNuProcessBuilder(List.of("true")),
            new SafeNuProcessBuilder("true"),
            new SafeNuProcessBuilder(h, "true"),
            new SafeNuProcessBuilder(h, List.of("true")),
            new SafeNuProcessBuilder(List.of("true"), Map.of("A", "1")),
        };
        for (NuProcessBuilder b : all) {
            assertThat(b.command()).containsExactly("true");
        }
        assertThat(all[4].environment()).containsExactly(Map.entry("A", "1"));
        assertThat(all[0].environment()).isEqualTo(System.getenv());
        assertThatThrownBy(() -> new SafeNuProcessBuilder(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SafeNuProcessBuilder((com.zaxxer.nuprocess.NuProcessHandler) null, "true"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SafeNuProcessBuilder("true").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NuProcessHandler");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void commandAndEnvironmentAreTheChildsAndChangesAfterConstructionCount(String strategy) throws Exception {
        Recorder h = new Recorder();
        SafeNuProcessBuilder b = new SafeNuProcessBuilder(new ArrayList<>(List.of("sh", "-c")), Map.of("ONLY", "this"));
        b.setProcessListener(h);
        b.setSpawner(strategies.get(strategy));
        b.command().add("echo \"$ONLY $SECOND $0 ${HOME:-no-home}\"");
        b.command().add("zero");
        b.environment().put("SECOND", "too");
        waitOk(b.start());
        assertThat(h.out()).isEqualTo("this too zero no-home\n"); // exactly the map: nothing of this JVM's
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void setCwdIsTheChildsDirectory(String strategy, @TempDir Path dir) throws Exception {
        Recorder h = new Recorder();
        SafeNuProcessBuilder b = builder(strategy, h, "pwd");
        b.setCwd(dir);
        waitOk(b.start());
        assertThat(Path.of(h.out().trim()).toRealPath()).isEqualTo(dir.toRealPath());
    }

    @Test
    void aNulByteIsRejectedBeforeAnyCallback() {
        Recorder h = new Recorder();
        assertThatThrownBy(() -> new SafeNuProcessBuilder(h, "echo", "a\0b").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argv[1]");
        assertThat(h.names()).isEmpty();
    }

    // ---- NuProcessHandler

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void onPreStartComesFirstWithTheProcessStartReturns(String strategy) throws Exception {
        Recorder h = new Recorder();
        SafeNuProcess p = start(strategy, h, "true");
        waitOk(p);
        assertThat(h.names()).first().isEqualTo("onPreStart");
        assertThat(h.events().get(0).detail()).isEqualTo("running=false");
        assertThat(h.events().get(0).thread()).isSameAs(Thread.currentThread());
        assertThat(h.preStarted).isSameAs(p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void onStartPrecedesTheStreamsAndMayWriteStdin(String strategy) throws Exception {
        Recorder h = new Recorder() {
            @Override
            public void onStart(NuProcess nuProcess) {
                super.onStart(nuProcess);
                nuProcess.writeStdin(ByteBuffer.wrap("from onStart\n".getBytes(UTF_8)));
                nuProcess.closeStdin(false);
            }
        };
        SafeNuProcess p = start(strategy, h, "cat");
        assertThat(waitOk(p)).isZero();
        assertThat(h.names()).startsWith("onPreStart", "onStart").endsWith("onExit");
        assertThat(h.started).isSameAs(p);
        assertThat(h.out()).isEqualTo("from onStart\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void onStdoutGetsTheBytesThenOneClosedCallBeforeOnExit(String strategy) throws Exception {
        Recorder h = new Recorder();
        waitOk(start(strategy, h, "printf", "one\\ntwo\\n"));
        assertThat(h.out()).isEqualTo("one\ntwo\n");
        List<Recorder.Event> stdout = h.events().stream().filter(e -> e.name().equals("onStdout")).toList();
        assertThat(stdout).filteredOn(e -> e.detail().startsWith("closed:")).hasSize(1);
        assertThat(stdout.get(stdout.size() - 1).detail()).startsWith("closed:");
        List<String> names = h.names();
        assertThat(names.lastIndexOf("onStdout")).isLessThan(names.indexOf("onExit"));
        assertThat(names.lastIndexOf("onStderr")).isLessThan(names.indexOf("onExit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void unconsumedStdoutBytesComeFirstInTheNextCall(String strategy) throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        List<String> left = Collections.synchronizedList(new ArrayList<>());
        StringBuilder consumed = new StringBuilder();
        Recorder h = new Recorder() {
            @Override
            public void onStdout(ByteBuffer buffer, boolean closed) {
                String all = UTF_8.decode(buffer.duplicate()).toString();
                seen.add(all);
                if (!closed && buffer.hasRemaining()) {
                    consumed.append((char) buffer.get()); // one byte a call: the rest stays
                } else if (closed) {
                    consumed.append(UTF_8.decode(buffer));
                }
                left.add(UTF_8.decode(buffer.duplicate()).toString());
            }
        };
        waitOk(start(strategy, h, "printf", "abcdef"));
        assertThat(consumed.toString()).isEqualTo("abcdef");
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("call %d starts with what call %d left", i, i - 1).startsWith(left.get(i - 1));
        }
        assertThat(seen.size()).isGreaterThan(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void onStderrGetsTheErrorStreamWithItsOwnClosedCall(String strategy) throws Exception {
        Recorder h = new Recorder();
        waitOk(start(strategy, h, sh("echo out; echo err >&2")));
        assertThat(h.out()).isEqualTo("out\n");
        assertThat(h.err()).isEqualTo("err\n");
        assertThat(h.events()).filteredOn(e -> e.name().equals("onStderr") && e.detail().startsWith("closed:")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void onStdinReadyReturningTrueIsCalledAgain(String strategy) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Recorder h = new Recorder() {
            @Override
            public void onStart(NuProcess nuProcess) {
                super.onStart(nuProcess);
                nuProcess.wantWrite();
            }

            @Override
            public boolean onStdinReady(ByteBuffer buffer) {
                int n = calls.incrementAndGet();
                buffer.put(("line " + n + "\n").getBytes(UTF_8)).flip();
                if (n == 3) {
                    started.closeStdin(false); // after this buffer is written
                    return false;
                }
                return true;
            }
        };
        assertThat(waitOk(start(strategy, h, "cat"))).isZero();
        assertThat(h.out()).isEqualTo("line 1\nline 2\nline 3\n");
        assertThat(calls).hasValue(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void onExitGetsTheExitCodeOrTheSignalNumber(String strategy) throws Exception {
        Recorder three = new Recorder();
        assertThat(waitOk(start(strategy, three, sh("exit 3")))).isEqualTo(3);
        assertThat(three.exitCode).isEqualTo(3);
        assertThat(three.names()).last().isEqualTo("onExit");

        Recorder oneTwoSeven = new Recorder(); // a real exit code here, not NuProcess's launch failure
        SafeNuProcess p = start(strategy, oneTwoSeven, sh("exit 127"));
        assertThat(waitOk(p)).isEqualTo(127);
        assertThat(p.exitStatus()).contains(ExitStatus.exited(127));

        Recorder term = new Recorder();
        SafeNuProcess killed = start(strategy, term, sh("kill -TERM $$"));
        assertThat(waitOk(killed)).isEqualTo(15);
        assertThat(killed.exitStatus()).contains(ExitStatus.killedBy(15));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void anExceptionFromACallbackIsIgnoredAsInNuProcess(String strategy) throws Exception {
        Recorder h = new Recorder() {
            @Override
            public void onStdout(ByteBuffer buffer, boolean closed) {
                super.onStdout(buffer, closed);
                throw new IllegalStateException("a careless handler");
            }
        };
        assertThat(waitOk(start(strategy, h, sh("echo a; echo b >&2")))).isZero();
        assertThat(h.out()).isEqualTo("a\n");
        assertThat(h.err()).isEqualTo("b\n");
    }

    // ---- NuProcess

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void wantWriteAsksForOneCallEachTime(String strategy) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Recorder h = new Recorder() {
            @Override
            public void onStart(NuProcess nuProcess) {
                super.onStart(nuProcess);
                nuProcess.wantWrite();
                nuProcess.wantWrite(); // idempotent until the call
            }

            @Override
            public boolean onStdinReady(ByteBuffer buffer) {
                buffer.put(calls.incrementAndGet() == 1 ? (byte) 'x' : (byte) 'y').flip();
                return false;
            }

            @Override
            public void onStdout(ByteBuffer buffer, boolean closed) {
                super.onStdout(buffer, closed);
                if (out().equals("x")) {
                    started.wantWrite(); // the echo of the first write asks for the second
                } else if (out().equals("xy")) {
                    started.closeStdin(true);
                }
            }
        };
        SafeNuProcess p = start(strategy, h, "cat", "-u");
        assertThat(waitOk(p)).isZero();
        assertThat(h.out()).isEqualTo("xy");
        assertThat(calls).hasValue(2);
        assertThatThrownBy(p::wantWrite).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void writeStdinQueuesBuffersBeyondThePipesSize(String strategy) throws Exception {
        Recorder h = new Recorder();
        SafeNuProcess p = start(strategy, h, "cat");
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        for (int off = 0; off < data.length; off += 100_000) {
            p.writeStdin(ByteBuffer.wrap(data, off, 100_000));
        }
        p.closeStdin(false);
        assertThat(waitOk(p)).isZero();
        assertThat(h.out()).isEqualTo(new String(data, UTF_8));
        assertThatThrownBy(() -> p.writeStdin(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.writeStdin(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void closeStdinGracefullyWritesWhatIsQueuedFirstAndOnlyOnce(String strategy) throws Exception {
        Recorder h = new Recorder();
        SafeNuProcess p = start(strategy, h, "cat");
        p.writeStdin(ByteBuffer.wrap("queued\n".getBytes(UTF_8)));
        p.closeStdin(false);
        assertThatThrownBy(() -> p.closeStdin(false)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(p::wantWrite).isInstanceOf(IllegalStateException.class);
        p.closeStdin(true); // accepted, as in NuProcess
        assertThat(waitOk(p)).isZero();
        assertThat(h.out()).isIn("queued\n", ""); // the forced close may have overtaken the write
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void closeStdinForcedGivesTheChildEndOfFile(String strategy) throws Exception {
        Recorder h = new Recorder();
        SafeNuProcess p = start(strategy, h, sh("cat; echo eof"));
        p.closeStdin(true);
        assertThat(waitOk(p)).isZero();
        assertThat(h.out()).isEqualTo("eof\n");
        assertThatThrownBy(() -> p.writeStdin(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void hasPendingWritesWhileTheChildDoesNotRead(String strategy) throws Exception {
        Recorder h = new Recorder();
        // reads nothing until it gets SIGTERM... which ends it: its stdin is never drained
        SafeNuProcess p = start(strategy, h, sh("exec sleep 300"));
        p.writeStdin(ByteBuffer.allocate(4 << 20)); // far more than a pipe holds
        assertThat(p.hasPendingWrites()).isTrue();
        p.destroy(true);
        waitOk(p);
        assertThat(p.hasPendingWrites()).isFalse(); // dropped at the end

        Recorder drained = new Recorder();
        SafeNuProcess q = start(strategy, drained, sh("cat > /dev/null"));
        q.writeStdin(ByteBuffer.allocate(1 << 20));
        q.closeStdin(false);
        assertThat(waitOk(q)).isZero();
        assertThat(q.hasPendingWrites()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void waitForTimesOutWithMinValueThenReturnsTheExitCode(String strategy) throws Exception {
        Recorder h = new Recorder();
        SafeNuProcess p = start(strategy, h, sh("cat > /dev/null; exit 4"));
        assertThat(p.waitFor(20, TimeUnit.MILLISECONDS)).isEqualTo(Integer.MIN_VALUE); // it waits for stdin
        assertThat(p.isRunning()).isTrue();
        p.closeStdin(false);
        assertThat(p.waitFor(0, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(p.waitFor(1, TimeUnit.NANOSECONDS)).isEqualTo(4); // ended: no wait
        assertThat(h.names()).contains("onExit"); // waitFor returns after onExit
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void destroyTerminatesOrKills(String strategy) throws Exception {
        SafeNuProcess gently = start(strategy, new Recorder(), "cat");
        gently.destroy(false);
        assertThat(waitOk(gently)).isEqualTo(15);

        SafeNuProcess ignoring = start(strategy, new Recorder(), sh("trap '' TERM; exec cat"));
        ignoring.destroy(true); // SIGKILL, which no trap stops
        assertThat(waitOk(ignoring)).isEqualTo(9);
        ignoring.destroy(true); // after the end: nothing, and no other process is hit
        assertThat(ignoring.exitStatus()).contains(ExitStatus.killedBy(9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void isRunningUntilTheEnd(String strategy) throws Exception {
        Recorder h = new Recorder();
        SafeNuProcess p = start(strategy, h, "cat");
        assertThat(p.isRunning()).isTrue();
        p.closeStdin(false);
        waitOk(p);
        assertThat(p.isRunning()).isFalse();
        assertThat(h.events().get(0).detail()).isEqualTo("running=false"); // in onPreStart
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void getPidIsTheChilds(String strategy) throws Exception {
        Recorder h = new Recorder();
        SafeNuProcess p = start(strategy, h, sh("echo $$"));
        int pid = p.getPID();
        waitOk(p);
        assertThat(pid).isPositive();
        assertThat(h.out().trim()).isEqualTo(Integer.toString(pid));
        assertThat(h.events()).filteredOn(e -> e.name().equals("onStart")).singleElement()
                .extracting(Recorder.Event::detail).isEqualTo("pid=" + pid);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void setProcessHandlerSendsTheNextCallbacksToTheNewHandler(String strategy) throws Exception {
        Recorder second = new Recorder();
        Recorder first = new Recorder() {
            @Override
            public void onStart(NuProcess nuProcess) {
                super.onStart(nuProcess);
                nuProcess.setProcessHandler(second);
            }
        };
        SafeNuProcess p = start(strategy, first, sh("echo hello"));
        waitOk(p);
        assertThat(first.names()).containsExactly("onPreStart", "onStart");
        assertThat(second.names()).contains("onStdout", "onStderr").endsWith("onExit");
        assertThat(second.out()).isEqualTo("hello\n");
        assertThatThrownBy(() -> p.setProcessHandler(null)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- launch failure

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aLaunchFailureIsOnExitMinValueAndKeepsItsSpawnException(String strategy) throws Exception {
        AtomicReference<Object> seenInOnExit = new AtomicReference<>();
        Recorder h = new Recorder() {
            @Override
            public void onExit(int exitCode) {
                super.onExit(exitCode);
                // how a handler reaches the cause: the process it was given in onPreStart
                seenInOnExit.set(((SafeNuProcess) preStarted).spawnFailure().orElse(null));
            }
        };
        SafeNuProcess p = start(strategy, h, "/nonexistent/safespawn-nuprocess-test");
        assertThat(h.names()).containsExactly("onPreStart", "onExit");
        assertThat(h.exitCode).isEqualTo(Integer.MIN_VALUE);
        assertThat(p).isNotNull().isSameAs(h.preStarted);
        assertThat(p.isRunning()).isFalse();
        assertThat(p.getPID()).isZero();
        assertThat(p.waitFor(0, TimeUnit.SECONDS)).isEqualTo(Integer.MIN_VALUE);
        assertThat(p.hasPendingWrites()).isFalse();
        assertThat(p.exitStatus()).isEmpty();
        assertThatThrownBy(p::wantWrite).isInstanceOf(IllegalStateException.class);
        p.destroy(true);
        assertThat(p.spawnFailure()).get().isInstanceOfSatisfying(SpawnException.class, e -> {
            assertThat(e.errnoName()).isEqualTo("ENOENT");
            assertThat(e.path()).contains("/nonexistent/safespawn-nuprocess-test");
        });
        assertThat(seenInOnExit.get()).isSameAs(p.spawnFailure().get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aMissingDirectoryIsALaunchFailureOfStageChdir(String strategy, @TempDir Path dir) {
        Recorder h = new Recorder();
        SafeNuProcessBuilder b = builder(strategy, h, "true");
        b.setCwd(dir.resolve("missing"));
        SafeNuProcess p = b.start();
        assertThat(h.exitCode).isEqualTo(Integer.MIN_VALUE);
        assertThat(p.spawnFailure()).get().isInstanceOfSatisfying(SpawnException.class,
                e -> assertThat(e.stage()).isEqualTo(SpawnException.Stage.CHDIR));
    }

    // ---- run()

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void runCallsEveryCallbackOnTheCallersThreadAndReturnsAfterOnExit(String strategy) throws Exception {
        Recorder h = new Recorder() {
            @Override
            public void onStart(NuProcess nuProcess) {
                super.onStart(nuProcess);
                nuProcess.writeStdin(ByteBuffer.wrap("in\n".getBytes(UTF_8)));
                nuProcess.closeStdin(false);
            }
        };
        builder(strategy, h, sh("cat; echo err >&2; exit 6")).run();
        assertThat(h.exitCode).isEqualTo(6);
        assertThat(h.out()).isEqualTo("in\n");
        assertThat(h.err()).isEqualTo("err\n");
        assertThat(h.names()).startsWith("onPreStart", "onStart").endsWith("onExit");
        assertThat(h.events()).allSatisfy(e -> assertThat(e.thread()).isSameAs(Thread.currentThread()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void runReportsALaunchFailureAsStartDoes(String strategy) {
        Recorder h = new Recorder();
        builder(strategy, h, "/nonexistent/safespawn-nuprocess-test").run();
        assertThat(h.names()).containsExactly("onPreStart", "onExit");
        assertThat(h.exitCode).isEqualTo(Integer.MIN_VALUE);
        assertThat(h.preStarted).isInstanceOfSatisfying(SafeNuProcess.class,
                p -> assertThat(p.spawnFailure()).get().isInstanceOf(SpawnException.class));
    }

    @Test
    void theSharedSpawnerIsUsedWhenNoneIsGiven() throws Exception {
        Recorder h = new Recorder();
        SafeNuProcess p = new SafeNuProcessBuilder(h, "echo", "shared").start();
        assertThat(waitOk(p)).isZero();
        assertThat(h.out()).isEqualTo("shared\n");
        assertThat(p.toString()).contains("SafeNuProcess[");
    }

    @Test
    void theNuProcessHandlerNeedsNoChange() throws Exception {
        // the plain NuProcess base class, as existing code has it
        StringBuilder got = new StringBuilder();
        NuAbstractProcessHandler handler = new NuAbstractProcessHandler() {
            @Override
            public void onStdout(ByteBuffer buffer, boolean closed) {
                got.append(UTF_8.decode(buffer));
            }
        };
        NuProcessBuilder b = new SafeNuProcessBuilder(List.of("echo", "plain"));
        b.setProcessListener(handler);
        NuProcess p = b.start();
        assertThat(p.waitFor(0, TimeUnit.SECONDS)).isZero();
        assertThat(got.toString()).isEqualTo("plain\n");
        assertThat(p).isInstanceOf(SafeNuProcess.class);
    }

}
