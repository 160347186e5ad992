package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.safespawn.ExitStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker over its heap limit: {@code -XX:+ExitOnOutOfMemoryError} ends its
 * JVM, the task fails with a {@link WorkerCrashedException} that says so, and
 * a fresh worker serves the next task. Workers are started by the {@code jdk}
 * strategy, the one core has.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class WorkerOutOfMemoryTest {
    private static final long BOUND_SECONDS = 60;

    @Test
    void aWorkerOverItsHeapLimitDiesAndItsTaskFailsNamingOutOfMemory() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).spawner(JdkSpawner.SHARED).jvmOptions("-Xmx32m")
                .output(ProcessPool.Output.discard()).build()) {
            long first = pool.submit(() -> ProcessHandle.current().pid()).get(BOUND_SECONDS, TimeUnit.SECONDS);

            Throwable end = catchThrowable(() -> pool.submit(() -> {
                // Keeps every block reachable, so the heap fills up: far beyond 32 MiB if it could.
                List<byte[]> hoard = new ArrayList<>();
                for (int i = 0; i < 4096; i++) {
                    hoard.add(new byte[1 << 20]);
                }
                return hoard.size();
            }).get(BOUND_SECONDS, TimeUnit.SECONDS));

            assertThat(end).isInstanceOf(ExecutionException.class);
            assertThat(end.getCause()).isInstanceOf(WorkerCrashedException.class);
            WorkerCrashedException crash = (WorkerCrashedException) end.getCause();
            assertThat(crash.exitStatus()).as("ExitOnOutOfMemoryError's exit code").isEqualTo(ExitStatus.exited(3));
            assertThat(crash.getMessage()).contains("out of memory").contains("pid " + first);

            long next = pool.submit(() -> ProcessHandle.current().pid()).get(BOUND_SECONDS, TimeUnit.SECONDS);
            assertThat(next).as("a fresh worker").isNotEqualTo(first);
            assertThat(pool.submit(() -> 6 * 7).get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(42);
        }
    }

    @Test
    void theMessageNamesTheSignalOrTheExitCodeOfOtherEnds() {
        assertThat(new WorkerCrashedException("worker-0 (pid 1)", ExitStatus.killedBy(9)).getMessage())
                .isEqualTo("worker-0 (pid 1) died while running the task: killed by SIGKILL");
        assertThat(new WorkerCrashedException("worker-0 (pid 1)", ExitStatus.exited(1)).getMessage())
                .isEqualTo("worker-0 (pid 1) died while running the task: exited with code 1");
        assertThat(new WorkerCrashedException("worker-0 (pid 1)", ExitStatus.exited(3)).getMessage())
                .contains("out of memory").contains("exited with code 3");
    }
}
