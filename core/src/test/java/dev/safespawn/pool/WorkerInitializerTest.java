package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The worker initializer: once per worker before any task, and a failure breaks the pool without respawning. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class WorkerInitializerTest {
    private static final long BOUND_SECONDS = 60;

    /** In a worker: how many times the initializer ran in this JVM. */
    static int initialized;

    private static ProcessPool.Builder settings() {
        return ProcessPool.builder().spawner(JdkSpawner.SHARED).output(ProcessPool.Output.discard());
    }

    /** In a worker: appends a line to {@code file}, so the test can count runs across JVMs. */
    static void mark(String file) {
        try {
            Files.writeString(Path.of(file), "ran\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void itRunsOnceInEachWorkerBeforeItsFirstTask() throws Exception {
        try (ProcessPool pool = settings().workers(1).maxTasksPerWorker(2)
                .initializer(() -> initialized++).build()) {
            List<CompletableFuture<String>> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add(pool.submit(() -> ProcessHandle.current().pid() + ":" + initialized));
            }
            List<String> got = new ArrayList<>();
            for (CompletableFuture<String> f : seen) {
                got.add(f.get(BOUND_SECONDS, TimeUnit.SECONDS));
            }

            assertThat(got).allMatch(s -> s.endsWith(":1"), "initialized exactly once in its worker");
            assertThat(got.get(0)).isEqualTo(got.get(1));
            assertThat(got.get(2)).as("the retired worker's successor").isNotEqualTo(got.get(0)).isEqualTo(got.get(3));
        }
    }

    @Test
    void aFailingInitializerFailsPendingTasksRefusesNewOnesAndStartsNoMoreWorkers(@TempDir Path dir)
            throws Exception {
        String runs = dir.resolve("runs").toString();
        ProcessPool pool = settings().workers(2).initializer(() -> {
            mark(runs);
            throw new IllegalStateException("no licence");
        }).build();
        try {
            List<CompletableFuture<Integer>> pending = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                pending.add(pool.submit(() -> n));
            }
            for (CompletableFuture<Integer> f : pending) {
                Throwable thrown = catchThrowable(() -> f.get(BOUND_SECONDS, TimeUnit.SECONDS));
                assertThat(thrown).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(WorkerInitializerException.class)
                        .hasMessageContaining("no licence")
                        .cause().isInstanceOf(IllegalStateException.class).hasMessage("no licence");
            }

            assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("broken").hasCauseInstanceOf(WorkerInitializerException.class);
            assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).as("it shut itself down").isTrue();
            assertThat(Files.readAllLines(Path.of(runs))).as("initializer runs: no worker started after the break")
                    .hasSizeBetween(1, 2);
        } finally {
            pool.close();
        }
    }

    @Test
    void anInitializerThatCannotBeSerializedIsRefusedAtOnce() {
        Object notSerializable = new Object();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings().initializer(() -> notSerializable.hashCode()))
                .withMessageStartingWith("initializer: cannot be serialized");
    }
}
