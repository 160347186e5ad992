package dev.safespawn.strategies.pool;

import static dev.safespawn.strategies.pool.PoolTesting.failureOf;
import static dev.safespawn.strategies.pool.PoolTesting.quiet;
import static dev.safespawn.strategies.pool.PoolTesting.valueOf;
import static dev.safespawn.strategies.pool.PoolTesting.workerPid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Spawner;
import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.WorkerCrashedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pool on every strategy available here: channel on fds 3 and 4, or on stdin and stdout (jdk). */
class PoolStrategiesTest {
    static List<String> available() {
        return Spawner.strategies().stream().filter(Spawner.StrategyInfo::available)
                .map(Spawner.StrategyInfo::name).collect(Collectors.toList());
    }

    static String chatter() {
        for (int i = 0; i < 200; i++) {
            System.out.println("a task's own output, line " + i); // must not corrupt the channel
        }
        return "said";
    }

    /** In a worker: how many tasks this JVM has run, this one included. */
    static int tasksRunHere;

    static String pidAndTasksRun() {
        return ProcessHandle.current().pid() + " " + ++tasksRunHere;
    }

    @Test
    void theFallbackAndANativeStrategyAreAvailable() {
        assertThat(available()).contains("jdk").hasSizeGreaterThan(1);
    }

    @ParameterizedTest
    @MethodSource("available")
    void valueExceptionAndCrashOn(String strategy) throws Exception {
        try (Spawner spawner = Spawner.of(strategy);
             ProcessPool pool = quiet().spawner(spawner).workers(1).build()) {
            assertThat(valueOf(pool.submit(() -> 6 * 7))).isEqualTo(42);

            Throwable failure = failureOf(pool.submit(() -> PoolResultsTest.failWith("on " + strategy)));
            assertThat(failure).isExactlyInstanceOf(IllegalStateException.class).hasMessage("on " + strategy);

            long before = workerPid(pool);
            Throwable crash = failureOf(pool.submit(() -> PoolCrashTest.exit(7)));
            assertThat(crash).isInstanceOf(WorkerCrashedException.class).hasMessageContaining("exited with code 7");
            assertThat(workerPid(pool)).isNotEqualTo(before);
        }
    }

    @ParameterizedTest
    @MethodSource("available")
    void whatATaskPrintsGoesToTheOutputNotIntoTheChannelOn(String strategy, @TempDir Path dir) throws Exception {
        Path log = dir.resolve("workers.log");
        try (Spawner spawner = Spawner.of(strategy);
             ProcessPool pool = ProcessPool.builder().spawner(spawner).workers(1)
                     .output(ProcessPool.Output.toFile(log)).build()) {
            assertThat(valueOf(pool.submit(PoolStrategiesTest::chatter))).isEqualTo("said");
            assertThat(valueOf(pool.submit(() -> 1))).isEqualTo(1);
        }
        assertThat(Files.readString(log)).contains("a task's own output, line 0\n")
                .contains("a task's own output, line 199\n");
    }

    @ParameterizedTest
    @MethodSource("available")
    void standbyWorkersTakeOverFreshAndEndWithThePoolOn(String strategy) throws Exception {
        List<Long> pids = new java.util.ArrayList<>();
        try (Spawner spawner = Spawner.of(strategy)) {
            try (ProcessPool pool = quiet().spawner(spawner).workers(1).maxTasksPerWorker(1).standby(1).build()) {
                for (int i = 0; i < 3; i++) {
                    String[] seen = valueOf(pool.submit(PoolStrategiesTest::pidAndTasksRun)).split(" ");
                    assertThat(seen[1]).as("a fresh worker's first task").isEqualTo("1");
                    pids.add(Long.parseLong(seen[0]));
                }
            }
            assertThat(pids).doesNotHaveDuplicates();
            assertThat(pids).as("no worker outlives the pool").noneMatch(pid ->
                    ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
    }
}
