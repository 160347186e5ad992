package dev.safespawn.docs.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Feature;
import dev.safespawn.Pipeline;
import dev.safespawn.Redirect;
import dev.safespawn.RunResult;
import dev.safespawn.Signal;
import dev.safespawn.Spawner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every snippet the site shows and checks that it does what the page
 * and the snippet's own comments say.
 */
class SnippetsTest {
    private static Spawner spawner;

    @BeforeAll
    static void createSpawner() {
        spawner = Spawner.create();
    }

    @AfterAll
    static void closeSpawner() {
        spawner.close();
    }

    @Test
    void firstSpawnReadsTheKernelsName() throws Exception {
        assertThat(GettingStarted.kernelName()).isEqualTo("Linux");
    }

    @Test
    void aCommandKeepsWhatItWasGiven() {
        Command c = GettingStarted.gitStatus();

        assertThat(c.argv()).containsExactly("git", "status", "--short");
        assertThat(c.directory()).contains(Path.of("/srv/repo"));
        assertThat(c.environment()).containsEntry("GIT_PAGER", "cat");
        assertThat(c.stdin()).isEqualTo(Redirect.DISCARD);
        assertThat(c.redirectErrorStream()).isTrue();
    }

    @Test
    void captureSortsItsInput() throws Exception {
        RunResult r = GettingStarted.sortLines(spawner);

        assertThat(r.stdoutText()).isEqualTo("apple\npear\n");
        assertThat(r.succeeded()).isTrue();
    }

    @Test
    void aTimeoutEndsTheChildWithSigterm() throws Exception {
        RunResult r = GettingStarted.tooSlow(spawner);

        assertThat(r.timedOut()).isTrue();
        assertThat(r.status()).isEqualTo(ExitStatus.killedBy(Signal.TERM));
    }

    @Test
    void aBadDirectoryIsBlamedNotTheProgram() throws Exception {
        assertThat(GettingStarted.whyItDidNotStart(spawner)).isEqualTo("CHDIR ENOENT /no/such/dir");
    }

    @Test
    void aChildHoldsOnlyItsStandardDescriptors() throws Exception {
        assertThat(WhySafespawn.descriptorsOfAChild(spawner).lines()).containsExactly("0", "1", "2", "3");
    }

    @Test
    void strategiesAreListedBestFirst() {
        String listing = Strategies.describeStrategies();

        assertThat(listing).startsWith(Spawner.strategies().get(0).name()).contains("jdk\n", "features: [");
    }

    @Test
    void aConfinedCommandGoesToAStrategyWithItsFeatures() {
        List<String> routes = Strategies.routes(spawner);

        assertThat(routes.get(0)).isEqualTo(spawner.strategyName());
        Spawner.StrategyInfo confined = Spawner.strategies().stream()
                .filter(s -> s.name().equals(routes.get(1))).findFirst().orElseThrow();
        assertThat(confined.features()).contains(Feature.UMASK, Feature.RLIMITS);
    }

    @Test
    void aPinnedSpawnerRefusesAFeatureItLacks() throws Exception {
        assertThat(Strategies.pinnedRefusal())
                .startsWith("spawn: strategy posix_spawn does not support UMASK; strategies that do: ")
                .endsWith("(EOPNOTSUPP)");
    }

    @Test
    void mergedStreamsKeepTheOrderWritten() throws Exception {
        assertThat(Capture.interleaved(spawner)).isEqualTo("out\nerr\n");
    }

    @Test
    void anOutputLimitKeepsTheHeadAndKills() throws Exception {
        RunResult r = Capture.firstMebibyte(spawner);

        assertThat(r.stdout()).hasSize(1 << 20);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.killedForOutput()).isTrue();
        assertThat(r.succeeded()).isFalse();
    }

    @Test
    void aFailedCheckCarriesTheResult() throws Exception {
        assertThat(Capture.failure(spawner)).isEqualTo("exited with code 3: disk full");
    }

    @Test
    void terminateSendsSigtermToAChildStillRunning() throws Exception {
        try (ChildProcess sleeper = Timeouts.sleeper(spawner)) {
            assertThat(Timeouts.waitThenStop(sleeper)).isEqualTo(ExitStatus.killedBy(Signal.TERM));
            assertThat(sleeper.isAlive()).isFalse();
        }
    }

    @Test
    void groupScopeEndsTheScriptAndItsJobs() throws Exception {
        ChildProcess.Termination t = ProcessTrees.stopScriptAndJobs(spawner);

        assertThat(t.signalsSent()).first().isEqualTo(Signal.TERM);
        assertThat(t.status().signaled()).isTrue();
    }

    @Test
    void treeScopeEndsADaemonisedGrandchildToo() throws Exception {
        ChildProcess.Termination t = ProcessTrees.stopEverything(spawner);

        assertThat(t.signalsSent()).first().isEqualTo(Signal.TERM);
        assertThat(t.status()).isEqualTo(ExitStatus.killedBy(Signal.TERM));
    }

    @Test
    void aPipelineCountsLines(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("A.java"), "class A {\n}\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("B.java"), "class B {\n}\n", StandardCharsets.UTF_8);

        assertThat(Pipelines.countJavaLines(spawner, dir)).isEqualTo("4");
    }

    @Test
    void pipefailSeesTheSigpipeTheLastStatusHides() throws Exception {
        Pipeline.Result r = Pipelines.yesHead(spawner);

        assertThat(r.lastStatus()).isEqualTo(ExitStatus.exited(0));
        assertThat(r.pipefailStatus()).isEqualTo(ExitStatus.killedBy(Signal.PIPE));
    }

    @Test
    void extraPipesCarryDataBothWays() throws Exception {
        assertThat(Descriptors.report(spawner)).isEqualTo("{\"ok\": true}");
        assertThat(Descriptors.secretOverADescriptor(spawner)).isEqualTo("the token has 6 characters");
    }

    @Test
    void theAuditListsAFileTheJdkOpenedAsALeak(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("held.txt"), "x");
        // The JDK opens files without O_CLOEXEC, so a bare fork/exec from this JVM would hand this one on.
        String path = java.util.regex.Pattern.quote(file.toRealPath().toString());
        try (java.io.FileInputStream held = new java.io.FileInputStream(file.toFile())) {
            assertThat(AuditDescriptors.leaksOfThisJvm().lines()).anyMatch(l -> l.matches("\\d+ FILE " + path));
        }
    }

    @Test
    void aChildHandlerSeesWhatCatEchoes() throws Exception {
        assertThat(Async.throughCat(spawner)).isEqualTo("hello\n");
    }

    @Test
    void aLineHandlerGetsWholeLinesWithoutTerminators() throws Exception {
        assertThat(Async.warnings(spawner)).containsExactly("warning: disk 91%");
    }

    @Test
    void checksumsRunOnePerTask(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "");
        Path abc = Files.writeString(dir.resolve("abc"), "abc");
        // The site compiles for Java 17: virtual threads are proved by the strategies' own tests on JDK 21+.
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            assertThat(VirtualThreadsSnippet.checksums(executor, spawner, List.of(empty, abc))).containsExactly(
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aTaskRunsInAnotherJvm() throws Exception {
        assertThat(Pool.inAFreshJvm()).startsWith("computed by pid ")
                .isNotEqualTo("computed by pid " + ProcessHandle.current().pid());
    }

    @Test
    void aStandbyJvmRunsTheTaskAndEndsWithIt() throws Exception {
        String first = Pool.inAStandbyJvm();
        String second = Pool.inAStandbyJvm();
        assertThat(first).startsWith("computed by pid ").isNotEqualTo(second)
                .isNotEqualTo("computed by pid " + ProcessHandle.current().pid());
        long pid = Long.parseLong(first.substring("computed by pid ".length()));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aPoolOutlivesACrashedWorker() throws Exception {
        assertThat(Pool.survivesACrash()).isEqualTo("a new worker took over");
    }

    @Test
    void aSubmittedTasksFutureChains() throws Exception {
        assertThat(Pool.chained()).startsWith("answered by worker ")
                .isNotEqualTo("answered by worker " + ProcessHandle.current().pid());
    }

    @Test
    void aMapOverAMillionElementsSumsTheirSquares() {
        long n = 1_000_000;
        assertThat(Pool.sumOfSquares()).isEqualTo((n - 1) * n * (2 * n - 1) / 6);
    }

    @Test
    void safespawnReadsWhatProcessBuilderReads(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("file"), "x");

        assertThat(Migrating.withSafespawn(spawner, dir)).isEqualTo(Migrating.withProcessBuilder(dir))
                .isEqualTo(".\n..\nfile\n");
    }

    @Test
    void theBridgesRunACommand() throws Exception {
        assertThat(Migrating.withCommonsExec()).isZero();
        assertThat(Migrating.withNuProcess()).isZero();
    }
}
