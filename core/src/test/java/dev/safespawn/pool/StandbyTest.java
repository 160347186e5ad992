package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standby workers: started ahead of need, fresh when taken (initialized, no
 * task run), replaced in the background, and never left behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class StandbyTest {
    private static final long BOUND_SECONDS = 60;

    /** In a worker: how many tasks this JVM has run, this one included. */
    static int tasksRunHere;

    /** In a worker: whether the initializer ran in this JVM. */
    static boolean initialized;

    private static ProcessPool.Builder settings() {
        return ProcessPool.builder().spawner(JdkSpawner.SHARED).output(ProcessPool.Output.discard());
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Runs in a worker: its pid, how many tasks it has run, and whether it was initialized. */
    private static String describe() {
        tasksRunHere++;
        return ProcessHandle.current().pid() + " " + tasksRunHere + " " + initialized;
    }

    @Test
    void aRetiredWorkerIsReplacedByOneStartedBeforeTheTaskCameThatHadRunNothing() throws Exception {
        try (ProcessPool pool = settings().workers(1).maxTasksPerWorker(1).standby(1)
                .initializer(() -> initialized = true).build()) {
            for (int round = 0; round < 3; round++) {
                assertThat(pool.awaitStandby()).as("every standby worker started").isNull();
                Set<Long> before = children();

                String[] seen = pool.submit(StandbyTest::describe).get(BOUND_SECONDS, TimeUnit.SECONDS).split(" ");

                assertThat(Long.parseLong(seen[0])).as("a worker already running when the task was submitted")
                        .isIn(before);
                assertThat(seen[1]).as("its first task").isEqualTo("1");
                assertThat(seen[2]).as("initialized before it stood by").isEqualTo("true");
            }
        }
    }

    @Test
    void aTakenWorkerIsReplacedOnlyOnceTheTaskItWasTakenForHasEnded() throws Exception {
        try (ProcessPool pool = settings().workers(1).standby(1).build(); TaskGate gate = new TaskGate()) {
            assertThat(pool.awaitStandby()).as("the standby worker started").isNull();
            Set<Long> before = children();

            java.util.concurrent.Future<Integer> task = pool.submit(gate.task(7));
            gate.awaitArrivals(1);

            assertThat(children()).as("no replacement booting beside the task the standby worker was taken for")
                    .isEqualTo(before);
            gate.release();
            assertThat(task.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(pool.awaitStandby()).as("replaced once the task ended").isNull();
            Set<Long> started = children();
            started.removeAll(before);
            assertThat(started).as("the replacement").hasSize(1);
        }
    }

    @Test
    void closingThePoolEndsItsStandbyWorkers() throws Exception {
        Set<Long> before = children();
        ProcessPool pool = settings().workers(1).standby(2).build();
        assertThat(pool.awaitStandby()).isNull();
        Set<Long> standing = children();
        standing.removeAll(before);
        assertThat(standing).as("two standby workers, no worker yet").hasSize(2);

        pool.close();

        assertThat(standing).noneMatch(StandbyTest::alive);
    }

    @Test
    void aStandbyWorkerKilledWhileItStoodByIsNotHandedOut() throws Exception {
        Set<Long> before = children();
        try (ProcessPool pool = settings().workers(1).standby(1).build()) {
            assertThat(pool.awaitStandby()).isNull();
            Set<Long> started = children();
            started.removeAll(before);
            assertThat(started).hasSize(1);
            long standing = started.iterator().next();
            ProcessHandle victim = ProcessHandle.of(standing).orElseThrow();
            victim.destroyForcibly();
            victim.onExit().get(BOUND_SECONDS, TimeUnit.SECONDS);

            String[] seen = pool.submit(StandbyTest::describe).get(BOUND_SECONDS, TimeUnit.SECONDS).split(" ");

            assertThat(Long.parseLong(seen[0])).isNotEqualTo(standing);
        }
    }

    @Test
    void aFailingStartStopsTheRefillingInsteadOfRetryingInALoop(@TempDir Path dir) throws Exception {
        String runs = dir.resolve("runs").toString();
        ProcessPool pool = settings().workers(1).standby(1).initializer(() -> {
            WorkerInitializerTest.mark(runs);
            throw new IllegalStateException("no licence");
        }).build();
        try {
            assertThat(pool.awaitStandby()).isInstanceOf(WorkerInitializerException.class);
            assertThat(Files.readAllLines(Path.of(runs))).as("one start, then none until a worker is needed")
                    .hasSize(1);
            assertThatThrownBy(() -> pool.submit(() -> 1).get(BOUND_SECONDS, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(WorkerInitializerException.class);
        } finally {
            pool.close();
        }
        // the task's own start, and at most one more standby start that taking re-armed
        assertThat(Files.readAllLines(Path.of(runs))).hasSizeBetween(2, 3);
    }

    @Test
    void subprocessCallTakesAStandbyWorkerThenWaitsForItsEnd() throws Exception {
        ProcessPool.Builder options = settings().standby(1);
        for (int round = 0; round < 2; round++) {
            Subprocess.prestart(options);
            Set<Long> before = children();

            String[] seen = Subprocess.call(StandbyTest::describe, options).split(" ");

            long pid = Long.parseLong(seen[0]);
            assertThat(pid).as("a worker started before the call").isIn(before);
            assertThat(seen[1]).as("its first task").isEqualTo("1");
            assertThat(alive(pid)).as("its JVM has ended when call returns").isFalse();
        }
        Subprocess.prestart(options);
        Set<Long> before = children();
        String[] seen = Subprocess.call(StandbyTest::describe, settings().standby(1)).split(" ");
        assertThat(Long.parseLong(seen[0])).as("equal options share the standby workers").isIn(before);
    }

    @Test
    void prestartWantsOptionsThatKeepStandbyWorkers() {
        assertThatIllegalArgumentException().isThrownBy(() -> Subprocess.prestart(settings()))
                .withMessageContaining("standby");
        assertThatIllegalArgumentException().isThrownBy(() -> settings().standby(-1)).withMessageContaining("standby");
    }
}
