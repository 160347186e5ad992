package dev.safespawn.strategies.pool;

import static dev.safespawn.strategies.pool.PoolTesting.quiet;
import static dev.safespawn.strategies.pool.PoolTesting.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.pool.ProcessPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/** Many small tasks from many threads: none lost, none duplicated, each answered with its own value. */
class PoolLoadTest {
    private static final int TASKS = 10_000;
    private static final int THREADS = 8;
    private static final int WORKERS = 4;

    @Test
    void tenThousandTasksFromEightThreadsAllCompleteExactlyOnce() throws Exception {
        long start = System.nanoTime();
        AtomicReferenceArray<Future<Integer>> futures = new AtomicReferenceArray<>(TASKS);
        try (ProcessPool pool = quiet().workers(WORKERS).build()) {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> submitters = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                submitters.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = first; i < TASKS; i += THREADS) {
                        int index = i;
                        futures.set(index, pool.submit(() -> index));
                    }
                }, runnable -> new Thread(runnable, "submitter-" + first).start()));
            }
            go.countDown();
            for (CompletableFuture<Void> s : submitters) {
                valueOf(s);
            }

            int[] seen = new int[TASKS];
            for (int i = 0; i < TASKS; i++) {
                assertThat(futures.get(i)).as("future %d", i).isNotNull();
                int value = valueOf(futures.get(i));
                assertThat(value).as("task %d's value", i).isEqualTo(i);
                seen[value]++;
            }
            for (int i = 0; i < TASKS; i++) {
                assertThat(seen[i]).as("times index %d came back", i).isEqualTo(1);
            }
        }
        System.out.printf("PoolLoadTest: %d tasks from %d threads on %d workers in %d ms%n",
                TASKS, THREADS, WORKERS, (System.nanoTime() - start) / 1_000_000);
    }
}
