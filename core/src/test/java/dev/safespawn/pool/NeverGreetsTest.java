package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that never greets (its initializer never returns) can still be
 * stopped: shutdownNow kills it, and closing a pool kills a standby worker
 * still starting, so neither outlives its pool.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class NeverGreetsTest {
    private static final long BOUND_SECONDS = 60;

    /**
     * In a worker: opens {@code fifo} for writing, which returns once the
     * test has opened it for reading (so the test knows the worker is here),
     * then blocks for ever.
     */
    static void signalThenHang(String fifo) {
        try (FileOutputStream here = new FileOutputStream(fifo)) {
            new CompletableFuture<Void>().join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path fifo(Path dir) throws Exception {
        Path fifo = dir.resolve("in-initializer");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo's exit code").isZero();
        return fifo;
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** Returns once a worker has opened the fifo, that is, is inside its initializer. */
    private static void awaitWorkerInInitializer(Path fifo) throws IOException {
        new FileInputStream(fifo.toFile()).close();
    }

    private static ProcessPool.Builder hangingInitializer(Path fifo) {
        String path = fifo.toString();
        return ProcessPool.builder().spawner(JdkSpawner.SHARED).output(ProcessPool.Output.discard())
                .workers(1).initializer(() -> signalThenHang(path));
    }

    @Test
    void shutdownNowKillsAWorkerThatNeverGreets(@TempDir Path dir) throws Exception {
        Path fifo = fifo(dir);
        Set<Long> before = children();
        ProcessPool pool = hangingInitializer(fifo).build();
        CompletableFuture<Integer> task = pool.submit(() -> 1);
        awaitWorkerInInitializer(fifo);
        Set<Long> workers = children();
        workers.removeAll(before);
        assertThat(workers).hasSize(1);

        assertThat(pool.shutdownNow()).as("the task its dispatcher had taken, handed back").hasSize(1);

        assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(workers).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThat(task).as("handed back, never run").isNotCompleted();
    }

    @Test
    void closeKillsAStandbyWorkerThatNeverGreets(@TempDir Path dir) throws Exception {
        Path fifo = fifo(dir);
        Set<Long> before = children();
        ProcessPool pool = hangingInitializer(fifo).standby(1).build();
        awaitWorkerInInitializer(fifo);
        Set<Long> workers = children();
        workers.removeAll(before);
        assertThat(workers).as("the standby worker, starting").hasSize(1);

        pool.close();

        assertThat(workers).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
}
