package dev.safespawn.strategies.pool;

import static dev.safespawn.strategies.pool.PoolTesting.failureOf;
import static dev.safespawn.strategies.pool.PoolTesting.quiet;
import static dev.safespawn.strategies.pool.PoolTesting.valueOf;
import static dev.safespawn.strategies.pool.PoolTesting.workerPid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ExitStatus;
import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.SerializableCallable;
import dev.safespawn.pool.WorkerCrashedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A worker that dies, or overruns, fails only its task; the pool goes on with a new worker. */
class PoolCrashTest {
    static int exit(int code) {
        System.exit(code);
        return -1;
    }

    static int halt(int code) {
        Runtime.getRuntime().halt(code);
        return -1;
    }

    /**
     * SIGKILLs the worker it runs in. ProcessHandle.current().destroyForcibly()
     * refuses (IllegalStateException: destroy of current process not allowed),
     * so a shell does it.
     */
    static int sigkillSelf() throws Exception {
        Process kill = new ProcessBuilder("sh", "-c", "kill -KILL \"$PPID\"").inheritIO().start();
        kill.waitFor();
        new CountDownLatch(1).await(PoolTesting.BOUND_SECONDS, TimeUnit.SECONDS); // the signal ends this
        throw new IllegalStateException("still alive after kill -KILL; kill exited " + kill.exitValue());
    }

    static int exhaustHeap() {
        List<byte[]> hog = new ArrayList<>();
        while (true) {
            hog.add(new byte[1 << 20]);
        }
    }

    /** The crash fails its task with a WorkerCrashedException naming the worker and status; then a new worker works. */
    private static void assertContained(SerializableCallable<Integer> crash, Consumer<ExitStatus> status,
                                        String message, String... jvmOptions) throws Exception {
        try (ProcessPool pool = quiet().workers(1).jvmOptions(jvmOptions).build()) {
            long before = workerPid(pool);

            Throwable failure = failureOf(pool.submit(crash));

            assertThat(failure).isInstanceOf(WorkerCrashedException.class)
                    .hasMessageContaining("pid " + before)
                    .hasMessageContaining(message);
            status.accept(((WorkerCrashedException) failure).exitStatus());
            long after = workerPid(pool);
            assertThat(after).as("the next task's worker").isNotEqualTo(before);
            assertThat(valueOf(pool.submit(() -> "still working"))).isEqualTo("still working");
        }
    }

    @Test
    void systemExitFailsOnlyItsTask() throws Exception {
        assertContained(() -> exit(7), s -> {
            assertThat(s.exited()).as(s.toString()).isTrue();
            assertThat(s.code()).isEqualTo(7);
        }, "exited with code 7");
    }

    @Test
    void haltFailsOnlyItsTask() throws Exception {
        assertContained(() -> halt(9), s -> {
            assertThat(s.exited()).as(s.toString()).isTrue();
            assertThat(s.code()).isEqualTo(9);
        }, "exited with code 9");
    }

    @Test
    void sigkillFailsOnlyItsTask() throws Exception {
        assertContained(PoolCrashTest::sigkillSelf, s -> {
            assertThat(s.signaled()).as(s.toString()).isTrue();
            assertThat(s.signalName()).isEqualTo("SIGKILL");
        }, "killed by SIGKILL");
    }

    @Test
    void outOfMemoryEndsTheWorkerWithCode3AndFailsOnlyItsTask() throws Exception {
        assertContained(PoolCrashTest::exhaustHeap, s -> {
            assertThat(s.exited()).as(s.toString()).isTrue();
            assertThat(s.code()).isEqualTo(3);
        }, "out of memory (exited with code 3", "-Xmx32m");
    }

    @Test
    void aTaskOverItsTimeoutFailsWithTimeoutExceptionAndTheNextTaskRuns() throws Exception {
        try (ProcessPool pool = quiet().workers(1).taskTimeout(Duration.ofSeconds(2)).build();
             Gate gate = new Gate()) {
            int port = gate.port();
            long before = workerPid(pool);

            Future<Integer> stuck = pool.submit(() -> {
                Gate.pass(port); // nobody releases it: only the timeout ends it (or the test's end)
                return 0;
            });

            Throwable failure = failureOf(stuck);
            assertThat(failure).isInstanceOf(TimeoutException.class).hasMessageContaining("PT2S");
            long after = workerPid(pool);
            assertThat(after).as("the timed-out worker was killed and replaced").isNotEqualTo(before);
            assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void cancellingARunningTaskKillsItsWorkerAndThePoolGoesOn() throws Exception {
        try (ProcessPool pool = quiet().workers(1).build(); Gate gate = new Gate()) {
            int port = gate.port();
            long before = workerPid(pool);
            Future<Integer> running = pool.submit(() -> {
                Gate.pass(port);
                return 0;
            });
            gate.awaitArrivals(1); // never released: only the cancellation ends it

            assertThat(running.cancel(true)).isTrue();

            assertThat(running.isCancelled()).isTrue();
            long after = workerPid(pool);
            assertThat(after).as("the next task's worker").isNotEqualTo(before);
            assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void maxTasksPerWorkerRetiresTheWorkerEveryThreeTasks() throws Exception {
        try (ProcessPool pool = quiet().workers(1).maxTasksPerWorker(3).build()) {
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                futures.add(pool.submit(PoolTesting::pid));
            }
            List<Long> pids = new ArrayList<>();
            for (Future<Long> f : futures) {
                pids.add(valueOf(f));
            }

            for (int group = 0; group < 3; group++) {
                assertThat(pids.subList(group * 3, group * 3 + 3)).as("tasks %d..%d in %s", group * 3, group * 3 + 2, pids)
                        .containsOnly(pids.get(group * 3));
            }
            assertThat(List.of(pids.get(0), pids.get(3), pids.get(6))).as(pids.toString()).doesNotHaveDuplicates();
            assertThat(ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive).orElse(false))
                    .as("the first, retired worker").isFalse();
        }
    }
}
