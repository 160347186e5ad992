package dev.safespawn.commonsexec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.ChildProcess;
import dev.safespawn.Feature;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Executor;
import org.apache.commons.exec.ProcessDestroyer;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;
import org.apache.commons.exec.environment.EnvironmentUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The common Commons Exec flows, run through {@link SafespawnExecutor} on every strategy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SafespawnExecutorTest {
    private static final Duration LONG_WAIT = Duration.ofSeconds(30);

    private final Strategies strategies = new Strategies();

    @AfterAll
    void closeSpawners() {
        strategies.close();
    }

    Iterable<String> names() {
        return Strategies.names().toList();
    }

    private SafespawnExecutor executor(String strategy) {
        return SafespawnExecutor.create(strategies.get(strategy));
    }

    private static CommandLine sh(String script) {
        return new CommandLine("sh").addArgument("-c").addArgument(script, false);
    }

    /** Output pumped into memory. */
    private static final class Captured {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        PumpStreamHandler handler() {
            return new PumpStreamHandler(out, err);
        }

        String out() {
            return out.toString(UTF_8);
        }

        String err() {
            return err.toString(UTF_8);
        }
    }

    /** Records what the executor registers, then forgets it: proves which Process it ran. */
    private static final class RecordingDestroyer implements ProcessDestroyer {
        final List<Process> added = new ArrayList<>();
        final AtomicInteger live = new AtomicInteger();

        @Override
        public synchronized boolean add(Process process) {
            added.add(process);
            live.incrementAndGet();
            return true;
        }

        @Override
        public synchronized boolean remove(Process process) {
            live.decrementAndGet();
            return true;
        }

        @Override
        public int size() {
            return live.get();
        }
    }

    // --- exit values ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void exitZeroRunsThroughTheSpawner(String strategy) throws IOException {
        SafespawnExecutor executor = executor(strategy);
        RecordingDestroyer destroyer = new RecordingDestroyer();
        executor.setProcessDestroyer(destroyer);
        executor.setStreamHandler(new Captured().handler());

        assertThat(executor.execute(new CommandLine("true"))).isZero();
        assertThat(destroyer.added).singleElement().isInstanceOfSatisfying(ChildProcess.class,
                c -> assertThat(c.strategyName()).isEqualTo(strategy));
        assertThat(destroyer.size()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void nonZeroExitIsAnExecuteExceptionWithTheValue(String strategy) {
        SafespawnExecutor executor = executor(strategy);
        executor.setStreamHandler(new Captured().handler());

        assertThatThrownBy(() -> executor.execute(sh("exit 3")))
                .isInstanceOfSatisfying(ExecuteException.class, e -> assertThat(e.getExitValue()).isEqualTo(3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void setExitValuesAcceptsThree(String strategy) throws IOException {
        SafespawnExecutor executor = executor(strategy);
        executor.setStreamHandler(new Captured().handler());
        executor.setExitValues(new int[] {0, 3});
        assertThat(executor.execute(sh("exit 3"))).isEqualTo(3);

        executor.setExitValue(3);
        assertThatThrownBy(() -> executor.execute(sh("exit 0")))
                .isInstanceOfSatisfying(ExecuteException.class, e -> assertThat(e.getExitValue()).isZero());

        executor.setExitValues(null); // Commons Exec: null means "never a failure"
        assertThat(executor.execute(sh("exit 7"))).isEqualTo(7);
    }

    // --- streams ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void pumpStreamHandlerCapturesStdoutAndStderrSeparately(String strategy) throws IOException {
        SafespawnExecutor executor = executor(strategy);
        Captured c = new Captured();
        executor.setStreamHandler(c.handler());

        assertThat(executor.execute(sh("echo to-out; echo to-err >&2; echo more-out"))).isZero();
        assertThat(c.out()).isEqualTo("to-out\nmore-out\n");
        assertThat(c.err()).isEqualTo("to-err\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void stdinIsPumpedFromTheGivenStream(String strategy) throws IOException {
        SafespawnExecutor executor = executor(strategy);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] input = "line one\nline two\n".repeat(5000).getBytes(UTF_8); // more than a pipe holds
        executor.setStreamHandler(new PumpStreamHandler(out, err, new ByteArrayInputStream(input)));

        assertThat(executor.execute(new CommandLine("cat"))).isZero();
        assertThat(out.toByteArray()).isEqualTo(input);
        assertThat(err.size()).isZero();
    }

    /**
     * Commons Exec's EXEC-57: a command that leaves a background process
     * holding its stdout returns from {@code execute()} once it has exited,
     * with its output, not when the background process exits. The background
     * {@code sleep} is killed by the pid the command printed.
     *
     * <p>Needs {@code ASYNC_CLOSE}: Commons Exec's pump thread is usually
     * already blocked reading stdout when the command exits, and only a
     * strategy that can wake it ends that read at the exit. With the JDK's
     * streams (the jdk strategy, and Commons Exec's own launcher) it is a
     * race: the JDK's reaper waits behind the blocked read, and
     * {@code execute()} then returns only when the background process exits.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the sleep outlasts it
    void aBackgroundProcessHoldingStdoutDoesNotHoldUpExecute(String strategy) throws IOException {
        Assumptions.assumeTrue(strategies.get(strategy).features().contains(Feature.ASYNC_CLOSE),
                () -> strategy + " does not declare ASYNC_CLOSE");
        SafespawnExecutor executor = executor(strategy);
        Captured c = new Captured();
        executor.setStreamHandler(c.handler());
        try {
            assertThat(executor.execute(sh("sleep 120 & echo $!; echo started"))).isZero();
            assertThat(c.out()).matches("[0-9]+\nstarted\n");
        } finally {
            c.out().lines().findFirst().filter(pid -> pid.matches("[0-9]+"))
                    .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    // --- environment and working directory ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aVariableAddedToTheProcEnvironmentReachesTheChild(String strategy) throws IOException {
        SafespawnExecutor executor = executor(strategy);
        Captured c = new Captured();
        executor.setStreamHandler(c.handler());
        Map<String, String> env = EnvironmentUtils.getProcEnvironment();
        EnvironmentUtils.addVariableToEnvironment(env, "X=hello world");

        assertThat(executor.execute(sh("echo \"$X\"; echo \"$HOME\""), env)).isZero();
        assertThat(c.out()).isEqualTo("hello world\n" + System.getenv().getOrDefault("HOME", "") + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aGivenEnvironmentIsTheWholeEnvironment(String strategy) throws IOException {
        SafespawnExecutor executor = executor(strategy);
        Captured c = new Captured();
        executor.setStreamHandler(c.handler());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("ONLY", "1");

        assertThat(executor.execute(new CommandLine("env"), env)).isZero();
        assertThat(c.out().lines()).containsExactlyInAnyOrder("PATH=/usr/bin:/bin", "ONLY=1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void noEnvironmentInheritsTheJvms(String strategy) throws IOException {
        SafespawnExecutor executor = executor(strategy);
        Captured c = new Captured();
        executor.setStreamHandler(c.handler());

        assertThat(executor.execute(new CommandLine("printenv").addArgument("PATH"))).isZero();
        assertThat(c.out()).isEqualTo(System.getenv("PATH") + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void workingDirectoryFromTheBuilder(String strategy, @TempDir Path dir) throws IOException {
        Captured c = new Captured();
        DefaultExecutor executor = SafespawnExecutor.builder()
                .setSpawner(strategies.get(strategy))
                .setWorkingDirectory(dir)
                .setExecuteStreamHandler(c.handler())
                .get();

        assertThat(executor.getWorkingDirectory()).isEqualTo(dir.toFile());
        assertThat(executor.execute(new CommandLine("pwd"))).isZero();
        assertThat(c.out()).isEqualTo(dir.toRealPath() + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    @SuppressWarnings("deprecation") // the setter many Commons Exec users still call
    void workingDirectoryFromTheSetter(String strategy, @TempDir Path dir) throws IOException {
        SafespawnExecutor executor = executor(strategy);
        Captured c = new Captured();
        executor.setStreamHandler(c.handler());
        executor.setWorkingDirectory(dir.toFile());

        assertThat(executor.execute(new CommandLine("pwd"))).isZero();
        assertThat(c.out()).isEqualTo(dir.toRealPath() + "\n");
    }

    // --- watchdog, asynchronous runs, destroyers ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void watchdogKillsAProcessThatRunsTooLong(String strategy) {
        SafespawnExecutor executor = executor(strategy);
        executor.setStreamHandler(new Captured().handler());
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(Duration.ofSeconds(1)).get();
        executor.setWatchdog(watchdog);

        assertThatThrownBy(() -> executor.execute(new CommandLine("sleep").addArgument("1000")))
                .isInstanceOfSatisfying(ExecuteException.class,
                        e -> assertThat(e.getExitValue()).isNotZero());
        assertThat(watchdog.killedProcess()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void asynchronousRunReportsToTheResultHandler(String strategy) throws Exception {
        SafespawnExecutor executor = executor(strategy);
        Captured c = new Captured();
        executor.setStreamHandler(c.handler());
        DefaultExecuteResultHandler ok = new DefaultExecuteResultHandler();

        executor.execute(sh("echo async"), ok);
        ok.waitFor(LONG_WAIT);
        assertThat(ok.hasResult()).isTrue();
        assertThat(ok.getExitValue()).isZero();
        assertThat(ok.getException()).isNull();
        assertThat(c.out()).isEqualTo("async\n");

        DefaultExecuteResultHandler failed = new DefaultExecuteResultHandler();
        executor.execute(sh("exit 3"), failed);
        failed.waitFor(LONG_WAIT);
        assertThat(failed.hasResult()).isTrue();
        assertThat(failed.getExitValue()).isEqualTo(3);
        assertThat(failed.getException().getExitValue()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void asynchronousRunCanBeStoppedByItsWatchdog(String strategy) throws Exception {
        SafespawnExecutor executor = executor(strategy);
        executor.setStreamHandler(new Captured().handler());
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION).get();
        executor.setWatchdog(watchdog);
        DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();

        executor.execute(new CommandLine("sleep").addArgument("1000"), handler);
        watchdog.destroyProcess(); // waits for the start, then kills
        handler.waitFor(LONG_WAIT);
        assertThat(handler.hasResult()).isTrue();
        assertThat(handler.getExitValue()).isNotZero();
        assertThat(watchdog.killedProcess()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void shutdownHookProcessDestroyerCanBeSet(String strategy) throws IOException {
        SafespawnExecutor executor = executor(strategy);
        executor.setStreamHandler(new Captured().handler());
        ShutdownHookProcessDestroyer destroyer = new ShutdownHookProcessDestroyer();
        executor.setProcessDestroyer(destroyer);

        assertThat(executor.execute(new CommandLine("true"))).isZero();
        assertThat(executor.getProcessDestroyer()).isSameAs(destroyer);
        assertThat(destroyer.isEmpty()).isTrue(); // the finished process was taken off again
    }

    // --- failures to start ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aMissingProgramThrowsTheSpawnExceptionItself(String strategy) {
        SafespawnExecutor executor = executor(strategy);
        executor.setStreamHandler(new Captured().handler());
        String missing = "/nonexistent/safespawn-no-such-program";

        assertThatThrownBy(() -> executor.execute(new CommandLine(missing)))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("No such file or directory");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aProgramMissingFromPathIsNamed(String strategy) {
        SafespawnExecutor executor = executor(strategy);
        executor.setStreamHandler(new Captured().handler());

        assertThatThrownBy(() -> executor.execute(new CommandLine("safespawn-no-such-program")))
                .isInstanceOfSatisfying(SpawnException.class,
                        e -> assertThat(e.errnoName()).isEqualTo("ENOENT"))
                .hasMessageContaining("safespawn-no-such-program");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aMissingProgramRunAsynchronouslyIsTheCauseOfTheExecuteException(String strategy) throws Exception {
        SafespawnExecutor executor = executor(strategy);
        executor.setStreamHandler(new Captured().handler());
        String missing = "/nonexistent/safespawn-no-such-program";
        DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();

        executor.execute(new CommandLine(missing), handler);
        handler.waitFor(LONG_WAIT);
        assertThat(handler.getException())
                .isInstanceOf(ExecuteException.class)
                .cause()
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("No such file or directory");
        assertThat(handler.getExitValue()).isEqualTo(Executor.INVALID_EXITVALUE);
    }

    // --- the same as Commons Exec's own launcher ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void childSeesWhatTheJdkLauncherWouldGiveIt(String strategy, @TempDir Path dir) throws IOException {
        CommandLine cl = new CommandLine("sh").addArgument("-c")
                .addArgument("printf '[%s]' \"$@\"; echo; pwd; echo \"$Y\"", false)
                .addArgument("argv0")
                .addArgument("two words")           // quoted by Commons Exec
                .addArgument("${sub}")              // substituted by Commons Exec
                .addArgument("'single quoted'");
        cl.setSubstitutionMap(Map.of("sub", "substituted"));
        Map<String, String> env = EnvironmentUtils.getProcEnvironment();
        env.put("Y", "why");

        Captured viaJdk = new Captured();
        DefaultExecutor jdk = DefaultExecutor.builder().setWorkingDirectory(dir)
                .setExecuteStreamHandler(viaJdk.handler()).get();
        assertThat(jdk.execute(cl, env)).isZero();

        Captured viaSafespawn = new Captured();
        DefaultExecutor safespawn = SafespawnExecutor.builder().setSpawner(strategies.get(strategy))
                .setWorkingDirectory(dir).setExecuteStreamHandler(viaSafespawn.handler()).get();
        assertThat(safespawn.execute(cl, env)).isZero();

        assertThat(viaSafespawn.out()).isEqualTo(viaJdk.out()).contains("substituted", "why");
        assertThat(viaSafespawn.err()).isEqualTo(viaJdk.err());
    }

    // --- the executor itself ---

    @Test
    void createUsesOneSharedDefaultSpawner() {
        SafespawnExecutor a = SafespawnExecutor.create();
        SafespawnExecutor b = SafespawnExecutor.create();
        assertThat(a.getSpawner()).isSameAs(b.getSpawner()).isSameAs(SafespawnExecutor.defaultSpawner());
        assertThat(a.getLauncher().spawner()).isSameAs(a.getSpawner());
        assertThat(a.getWorkingDirectory()).isEqualTo(DefaultExecutor.builder().get().getWorkingDirectory());
        assertThat(a.getStreamHandler()).isInstanceOf(PumpStreamHandler.class);
    }

    @Test
    void createWithASpawnerUsesItAndLeavesItOpen() throws IOException {
        try (Spawner spawner = Spawner.of("jdk")) {
            SafespawnExecutor executor = SafespawnExecutor.create(spawner);
            executor.setStreamHandler(new Captured().handler());
            assertThat(executor.getSpawner()).isSameAs(spawner);
            assertThat(executor.execute(new CommandLine("true"))).isZero();
            assertThat(executor.execute(new CommandLine("true"))).isZero();
        }
    }

    @Test
    void nullSpawnerIsRejected() {
        assertThatThrownBy(() -> SafespawnExecutor.create(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SafespawnExecutor.builder().setSpawner(null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void builderThreadFactoryMakesTheAsynchronousThread() throws Exception {
        List<String> made = new ArrayList<>();
        SafespawnExecutor executor = SafespawnExecutor.builder()
                .setSpawner(strategies.get("jdk"))
                .setThreadFactory(r -> {
                    Thread t = new Thread(r, "-mine");
                    synchronized (made) {
                        made.add(t.getName());
                    }
                    return t;
                })
                .setExecuteStreamHandler(new Captured().handler())
                .get();
        DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();
        executor.execute(new CommandLine("true"), handler);
        handler.waitFor(LONG_WAIT);
        assertThat(handler.getExitValue()).isZero();
        synchronized (made) {
            assertThat(made).containsExactly("-mine");
        }
    }

    @Test
    void aMissingWorkingDirectoryIsReportedBeforeLaunch(@TempDir Path dir) {
        DefaultExecutor executor = SafespawnExecutor.builder().setSpawner(strategies.get("jdk"))
                .setWorkingDirectory(dir.resolve("gone")).get();
        assertThatThrownBy(() -> executor.execute(new CommandLine("true")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("gone");
    }
}
