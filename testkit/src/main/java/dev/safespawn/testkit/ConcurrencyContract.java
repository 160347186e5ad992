package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Many threads spawning at once, while others open and close descriptors.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface ConcurrencyContract extends StrategyUnderTest {

    /** Spawns each of the sixteen threads of {@link #sixteenThreadsSpawningAtOnceLeaveNothingBehind} makes. */
    int SPAWNS_PER_THREAD = 50;

    /**
     * Sixteen threads each spawn and wait for {@value #SPAWNS_PER_THREAD}
     * children at once (as {@link #loadSpawns} scales it): every child exits
     * with 0, and afterwards no descriptor, zombie or thread started during the
     * test is left.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void sixteenThreadsSpawningAtOnceLeaveNothingBehind() throws Exception {
        Command exit0 = probe("exit", "0").build();
        int perThread = loadSpawns(SPAWNS_PER_THREAD);
        run(exit0); // warm up the strategy's long-lived state
        Set<String> fdsBefore = ParentState.openFds();
        Set<String> threadsBefore = ParentState.otherThreads();

        List<Thread> spawners = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r);
            spawners.add(t);
            return t;
        });
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            results.add(pool.submit(() -> {
                int ok = 0;
                for (int i = 0; i < perThread; i++) {
                    ChildProcess child = spawner().spawn(exit0);
                    child.getOutputStream().close();
                    child.getInputStream().close();
                    child.getErrorStream().close();
                    if (child.waitFor() == 0) {
                        ok++;
                    }
                }
                return ok;
            }));
        }
        for (Future<Integer> r : results) {
            assertThat(r.get(10, TimeUnit.MINUTES)).isEqualTo(perThread);
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        for (Thread t : spawners) { // terminated means no task runs, not that every thread has exited
            t.join();
        }

        Set<String> fdsOpened = new TreeSet<>(ParentState.openFds());
        fdsOpened.removeAll(fdsBefore);
        assertThat(fdsOpened).as("descriptors opened during the test and still open%s",
                ParentState.describe(fdsOpened)).isEmpty();
        assertThat(ParentState.zombieChildren()).isEmpty();
        // A subset, not equal: a thread that ends during the test leaked nothing. On a machine
        // whose common pool has parallelism 1 (two CPUs), CompletableFuture's default async
        // executor is a fresh thread per task ("Thread-N"); the warm-up's stderr reader can
        // still be exiting when threadsBefore is taken, and then be gone.
        assertThat(ParentState.otherThreads()).as("threads started during the test and still alive")
                .isSubsetOf(threadsBefore);
    }

    /**
     * While two threads keep creating and closing pipes that are not
     * close-on-exec, 100 children spawned from four threads each hold only
     * descriptors 0, 1 and 2.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void childrenStayCleanWhileOtherThreadsChurnLeakyDescriptors() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> churners = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                churners.add(pool.submit(() -> {
                    while (!stop.get()) {
                        ParentState.close(ParentState.leakyPipe());
                    }
                }));
            }
            List<Future<ProbeReport>> reports = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<ProbeReport> spawnOne = () -> report(probe("report"));
                for (int j = 0; j < 25; j++) {
                    reports.add(pool.submit(spawnOne));
                }
            }
            for (Future<ProbeReport> r : reports) {
                ProbeReport report = r.get(10, TimeUnit.MINUTES);
                assertThat(report.fds()).as("%s", report).containsExactly(0, 1, 2);
            }
            stop.set(true);
            for (Future<?> c : churners) {
                c.get(1, TimeUnit.MINUTES);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }
}
