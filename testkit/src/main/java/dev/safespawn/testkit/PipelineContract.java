package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safespawn.ChildProcess;
import dev.safespawn.ChildProcess.Termination;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Feature;
import dev.safespawn.Pipeline;
import dev.safespawn.Redirect;
import dev.safespawn.Signal;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Pipeline}s: data flows child to child, every stage's status is kept,
 * a stage that cannot start leaves nothing behind, a timeout ends every stage,
 * and no pipe end leaks into the parent or into a stage. Needs
 * {@code PIPELINE}.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says. The
 * {@code @Timeout}s only catch a hang (a deadlocked pipe).
 */
public interface PipelineContract extends StrategyUnderTest {

    /** A grace period no healthy stage needs, so an end by SIGTERM is never cut short. */
    Duration PIPELINE_GRACE = Duration.ofSeconds(60);

    /**
     * {@code printf 'b\na\n' | sort | head -1} prints {@code a}, and every
     * stage exits with 0.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void dataFlowsFromStageToStage() throws Exception {
        require(Feature.PIPELINE);
        Pipeline p = Pipeline.of(Command.of("printf", "b\\na\\n"), Command.of("sort"), Command.of("head", "-1"));
        try (Pipeline.Running run = spawner().spawn(p)) {
            run.stdin().close();
            String out = new String(run.stdout().readAllBytes(), StandardCharsets.UTF_8);
            Pipeline.Result result = run.waitFor();

            assertThat(out).isEqualTo("a\n");
            assertThat(result.statuses()).containsExactly(ExitStatus.exited(0), ExitStatus.exited(0),
                    ExitStatus.exited(0));
            assertThat(result.succeeded()).isTrue();
            assertThat(result.timedOut()).isFalse();
            assertThat(run.stages()).allSatisfy(s -> assertThat(s.strategyName()).isEqualTo(
                    spawner().strategyFor(p).orElseThrow()));
        }
    }

    /**
     * 64 MiB written into the first stage's stdin pass through two copying
     * stages to a counting one without a deadlock.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(300)
    default void sixtyFourMebibytesPassThroughThreeStages() throws Exception {
        require(Feature.PIPELINE);
        int total = 64 << 20;
        Pipeline p = Pipeline.of(probe("cat").build(), probe("cat").build(), probe("count-stdin").build());
        try (Pipeline.Running run = spawner().spawn(p)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[1 << 16];
                Arrays.fill(chunk, (byte) 'x');
                try (OutputStream in = run.stdin()) {
                    for (int done = 0; done < total; done += chunk.length) {
                        in.write(chunk);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String counted = new String(run.stdout().readAllBytes(), StandardCharsets.US_ASCII);
            writer.get(120, TimeUnit.SECONDS);

            assertThat(counted).isEqualTo(total + "\n");
            assertThat(run.waitFor().succeeded()).isTrue();
        }
    }

    /**
     * Each stage has its own status. The pipefail status is the last stage's
     * that did not exit with 0 ({@code sh -c 'exit 3' | cat} gives 3); the
     * last status is the last stage's. A pipeline of one stage is that command.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void everyStageHasItsStatusAndPipefailTakesTheLastFailure() throws Exception {
        require(Feature.PIPELINE);
        Pipeline.Result shell = runToEnd(Pipeline.of(Command.of("/bin/sh", "-c", "exit 3"), Command.of("cat")));
        assertThat(shell.statuses()).containsExactly(ExitStatus.exited(3), ExitStatus.exited(0));
        assertThat(shell.pipefailStatus()).isEqualTo(ExitStatus.exited(3));
        assertThat(shell.lastStatus()).isEqualTo(ExitStatus.exited(0));
        assertThat(shell.succeeded()).isFalse();

        Pipeline.Result three = runToEnd(Pipeline.of(probe("exit", "3").build(), probe("exit", "4").build(),
                probe("cat").build()));
        assertThat(three.statuses()).containsExactly(ExitStatus.exited(3), ExitStatus.exited(4),
                ExitStatus.exited(0));
        assertThat(three.pipefailStatus()).isEqualTo(ExitStatus.exited(4));

        Pipeline.Result one = runToEnd(Pipeline.of(probe("exit", "7").build()));
        assertThat(one.statuses()).containsExactly(ExitStatus.exited(7));
        assertThat(one.pipefailStatus()).isEqualTo(ExitStatus.exited(7));
    }

    /**
     * {@code onExit()} completes once every stage has ended, not before, with
     * every stage's status: here {@code cat | sh -c 'cat; exec sleep 100'},
     * whose first stage ends when its stdin does and whose last sleeps until
     * it is killed.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void onExitCompletesWithEveryStatusOnceEveryStageHasEnded() throws Exception {
        require(Feature.PIPELINE);
        Pipeline p = Pipeline.of(Command.of("cat"), Command.builder("/bin/sh", "-c", "cat; exec sleep 100")
                .stdout(Redirect.DISCARD).build());
        try (Pipeline.Running run = spawner().spawn(p)) {
            CompletableFuture<Pipeline.Result> ended = run.onExit();
            assertThat(ended).as("while both stages wait for our stdin").isNotDone();

            run.stdin().close();
            assertThat(run.stages().get(0).waitFor(60, TimeUnit.SECONDS)).as("the first stage ended").isTrue();
            assertThat(run.stages().get(1).isAlive()).as("the last stage sleeps").isTrue();
            assertThat(ended).as("with the last stage still running").isNotDone();
            assertThat(run.onExit()).as("a future asked for now").isNotDone();

            run.stages().get(1).signal(Signal.KILL);
            Pipeline.Result result = ended.get(60, TimeUnit.SECONDS);

            // As exit values: the jdk strategy tells a SIGKILL only as 128 + 9.
            assertThat(result.statuses()).extracting(ExitStatus::exitValue).containsExactly(0, 128 + Signal.KILL);
            assertThat(result.timedOut()).isFalse();
            assertThat(run.onExit()).as("asked for once it has ended").isCompletedWithValueMatching(
                    r -> r.statuses().equals(result.statuses()));
        }
    }

    /**
     * An action added to {@code onExit()} may block without holding up the
     * library: while one blocks, another child's end is still recorded.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void anOnExitActionThatBlocksHoldsUpNoOtherChild() throws Exception {
        require(Feature.PIPELINE);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        try (Pipeline.Running run = spawner().spawn(Pipeline.of(Command.of("cat"), Command.of("cat")))) {
            // Added while the stages wait for our stdin: the action cannot run on this thread.
            CompletableFuture<Void> action = run.onExit().thenRun(() -> {
                blocking.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // a pool thread: nobody interrupts it but a shutdown
                }
            });
            try {
                run.stdin().close();
                assertThat(blocking.await(60, TimeUnit.SECONDS)).as("the action runs, and blocks").isTrue();

                try (ChildProcess other = spawner().spawn(probe("exit", "5").build())) {
                    assertThat(other.waitFor(60, TimeUnit.SECONDS)).as("another child's end, recorded").isTrue();
                    assertThat(other.exitValue()).isEqualTo(5);
                }
            } finally {
                release.countDown();
            }
            action.get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * The first stage's stdin and the last stage's stdout go where their
     * commands say (files here; {@code stdin()} and {@code stdout()} are then
     * null streams), and a stage joining stderr to stdout sends both into the
     * pipe, as bash's {@code |&}.
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void theEndsGoWhereTheCommandsSay(@TempDir Path dir) throws Exception {
        require(Feature.PIPELINE);
        Path in = Files.writeString(dir.resolve("in.txt"), "from the file\n");
        Path out = dir.resolve("out.txt");
        Pipeline p = Pipeline.of(probe("cat").stdin(Redirect.from(in)).build(),
                Command.builder("/bin/sh", "-c", "cat; echo 'from stderr' >&2").redirectErrorStream().build(),
                probe("cat").stdout(Redirect.to(out)).build());
        try (Pipeline.Running run = spawner().spawn(p)) {
            assertThat(run.stdout().read()).isEqualTo(-1);
            assertThat(run.waitFor().succeeded()).isTrue();
        }
        assertThat(Files.readString(out)).isEqualTo("from the file\nfrom stderr\n");
    }

    /**
     * A stage that cannot start fails the pipeline with a
     * {@code SpawnException} naming it, whether its program is missing
     * (found before any stage runs) or its directory (found, by most
     * strategies, once the stage before it runs); the stage before it is not
     * left running, and no descriptor or zombie is left behind.
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void aStageThatCannotStartIsNamedAndNothingIsLeft(@TempDir Path dir) throws Exception {
        require(Feature.PIPELINE);
        runToEnd(Pipeline.of(probe("exit", "0").build(), probe("cat").build())); // warm up what is made once
        Set<String> before = ParentState.openFds();
        String marker = Long.toString(500_000 + ThreadLocalRandom.current().nextInt(400_000));
        Command first = Command.of("sleep", marker);

        SpawnException missingProgram = failure(Pipeline.of(first, Command.of("/nonexistent/safespawn-nope"),
                Command.of("cat")));
        assertThat(missingProgram.pipelineStage()).hasValue(1);
        assertThat(missingProgram.stage()).isEqualTo(Stage.EXEC);
        assertThat(missingProgram.errnoName()).isEqualTo("ENOENT");
        assertThat(missingProgram).hasMessage(
                "pipeline stage 1: exec /nonexistent/safespawn-nope: No such file or directory (ENOENT)");

        Path missing = dir.resolve("missing");
        SpawnException missingDir = failure(Pipeline.of(first, Command.of("cat"),
                probe("cat").directory(missing).build()));
        assertThat(missingDir.pipelineStage()).hasValue(2);
        assertThat(missingDir.stage()).isEqualTo(Stage.CHDIR);
        assertThat(missingDir.path()).hasValue(missing.toString());

        assertThat(ProcessHandle.current().descendants().filter(h -> h.info().arguments()
                .map(a -> Arrays.asList(a).contains(marker)).orElse(false)).map(ProcessHandle::pid).toList())
                .as("stages left running").isEmpty();
        assertThat(ParentState.openFds()).as("no new descriptor").isSubsetOf(before);
        assertThat(ParentState.zombieChildren()).isEmpty();
    }

    /**
     * When the time runs out every stage still running is terminated, and
     * the result says so.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void aTimeoutTerminatesEveryStage() throws Exception {
        require(Feature.PIPELINE);
        Command sleep = probe("sleep").build();
        try (Pipeline.Running run = spawner().spawn(Pipeline.of(sleep, sleep, sleep))) {
            Pipeline.Result result = run.waitFor(Duration.ofMillis(50), PIPELINE_GRACE);

            assertThat(result.timedOut()).isTrue();
            assertThat(result.succeeded()).isFalse();
            assertThat(result.statuses()).extracting(ExitStatus::exitValue).containsOnly(128 + Signal.TERM);
            assertThat(run.isAlive()).isFalse();
            assertThat(run.stages()).noneMatch(ChildProcess::isAlive);
        }
    }

    /**
     * Terminating a pipeline sends {@code SIGTERM} to every stage and
     * {@code SIGKILL}, after the one grace period, only to a stage that
     * ignores it.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void terminateKillsOnlyTheStageThatIgnoresSigterm() throws Exception {
        require(Feature.PIPELINE);
        try (Pipeline.Running run = spawner().spawn(Pipeline.of(probe("sleep").build(),
                Command.of("/bin/sh", "-c", "trap '' TERM; echo ready; exec sleep 100")))) {
            byte[] ready = run.stdout().readNBytes(6);
            assertThat(new String(ready, StandardCharsets.US_ASCII)).isEqualTo("ready\n");

            List<Termination> ends = run.terminate(Duration.ofMillis(100));

            assertThat(ends.get(0).signalsSent()).containsExactly(Signal.TERM);
            assertThat(ends.get(0).status().exitValue()).isEqualTo(128 + Signal.TERM);
            assertThat(ends.get(1).signalsSent()).containsExactly(Signal.TERM, Signal.KILL);
            assertThat(ends.get(1).status().exitValue()).isEqualTo(128 + Signal.KILL);
            assertThat(run.isAlive()).isFalse();
        }
    }

    /**
     * As the JDK's {@code PipelineLeaksFD} test: once the stages run, the
     * parent holds no end of a pipe between two stages (the data goes child
     * to child), each stage holds exactly descriptors 0, 1 and 2, and stage
     * k's stdout is the very pipe that is stage k+1's stdin. After the
     * pipeline has ended and been closed the parent holds nothing new.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(120)
    default void noPipeEndLeaksIntoTheParentOrAStage() throws Exception {
        require(Feature.PIPELINE);
        runToEnd(Pipeline.of(probe("exit", "0").build(), probe("cat").build())); // warm up what is made once
        Set<String> before = ParentState.openFds();
        Command cat = Command.builder("cat").stderr(Redirect.DISCARD).build();
        try (Pipeline.Running run = spawner().spawn(Pipeline.of(cat, cat, cat))) {
            // A line through every stage: each has finished starting (loader, locale) and waits in read.
            run.stdin().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            run.stdin().flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(run.stdout(), StandardCharsets.US_ASCII));
            assertThat(out.readLine()).isEqualTo("hello");

            List<ChildProcess> stages = run.stages();
            Set<String> parentTargets = targets(ParentState.openFds());
            for (int k = 0; k < stages.size(); k++) {
                assertThat(fdsOf(stages.get(k))).as("stage %d's descriptors", k).containsExactly("0", "1", "2");
            }
            for (int k = 0; k + 1 < stages.size(); k++) {
                String between = fdTarget(stages.get(k), 1);
                assertThat(between).as("stage %d's stdout", k).startsWith("pipe:");
                assertThat(fdTarget(stages.get(k + 1), 0)).as("stage %d's stdin", k + 1).isEqualTo(between);
                assertThat(parentTargets).as("the parent's descriptors").doesNotContain(between);
            }
            assertThat(parentTargets).as("the parent's ends").contains(fdTarget(stages.get(0), 0),
                    fdTarget(stages.get(stages.size() - 1), 1));

            run.stdin().close();
            assertThat(out.read()).isEqualTo(-1);
            assertThat(run.waitFor().succeeded()).isTrue();
        }
        assertThat(ParentState.openFds()).as("no new descriptor").isSubsetOf(before);
        assertThat(ParentState.zombieChildren()).isEmpty();
    }

    /**
     * Runs {@code pipeline} with stdin closed, reads its stdout to the end and waits for every stage.
     *
     * @param pipeline what to run
     * @return every stage's status
     * @throws Exception if it cannot be started or read
     */
    private Pipeline.Result runToEnd(Pipeline pipeline) throws Exception {
        try (Pipeline.Running run = spawner().spawn(pipeline)) {
            run.stdin().close();
            run.stdout().readAllBytes();
            return run.waitFor();
        }
    }

    private SpawnException failure(Pipeline pipeline) {
        SpawnException e = catchThrowableOfType(SpawnException.class, () -> spawner().spawn(pipeline).close());
        assertThat(e).as("the failure of %s", pipeline).isNotNull();
        return e;
    }

    /** The descriptor numbers a running stage holds, from {@code /proc}. */
    private static List<String> fdsOf(ChildProcess stage) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(stage.pid()), "fd"))) {
            return fds.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** What a running stage's descriptor points at, such as {@code pipe:[4711]}. */
    private static String fdTarget(ChildProcess stage, int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(stage.pid()), "fd", Integer.toString(fd)))
                .toString();
    }

    /** The targets of entries of {@link ParentState#openFds()} ("3 -> pipe:[4711]"). */
    private static Set<String> targets(Set<String> openFds) {
        Set<String> targets = new TreeSet<>();
        for (String entry : openFds) {
            targets.add(entry.substring(entry.indexOf("-> ") + 3));
        }
        return targets;
    }
}
