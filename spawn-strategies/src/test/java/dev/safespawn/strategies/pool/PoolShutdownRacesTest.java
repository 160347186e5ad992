package dev.safespawn.strategies.pool;

import static dev.safespawn.strategies.pool.PoolTesting.BOUND_SECONDS;
import static dev.safespawn.strategies.pool.PoolTesting.quiet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.safespawn.Spawner;
import dev.safespawn.pool.ProcessPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Shutting down while other threads submit, or while a worker is starting:
 * races, so each test repeats its scenario until the race shows or a budget
 * runs out. A run that never reached the racy moment is skipped, not passed.
 */
class PoolShutdownRacesTest {
    private static final int SUBMITTERS = 2;
    private static final int PER_SUBMITTER = 20;
    private static final int ROUNDS = 2_000;

    /**
     * Was a bug, now fixed: ProcessPool.enqueue checks the shutdown flag and then adds to the
     * queue without excluding shutdown() in between; a task accepted just as
     * shutdown() runs lands behind the dispatchers' STOP markers and is never
     * run nor failed: its future never completes, although the pool reports
     * itself terminated. (Each round fails its tasks at once, without starting
     * a JVM: the workers' output file cannot be opened.)
     */
    @Test
    void everyTaskAcceptedDuringShutdownStillCompletes() throws Exception {
        Path unopenable = Path.of("/nonexistent-" + ProcessHandle.current().pid(), "workers.log");
        try (Spawner spawner = Spawner.of("jdk")) {
            for (int round = 0; round < ROUNDS; round++) {
                List<Future<?>> accepted = Collections.synchronizedList(new ArrayList<>());
                try (ProcessPool pool = quiet().spawner(spawner).workers(1)
                        .output(ProcessPool.Output.toFile(unopenable)).build()) {
                    CountDownLatch submitting = new CountDownLatch(SUBMITTERS);
                    List<Thread> submitters = new ArrayList<>();
                    for (int t = 0; t < SUBMITTERS; t++) {
                        Thread submitter = new Thread(() -> {
                            try {
                                for (int n = 0; n < PER_SUBMITTER; n++) {
                                    accepted.add(pool.submit(() -> 1));
                                    if (n == 2) {
                                        submitting.countDown();
                                    }
                                }
                            } catch (RejectedExecutionException shutDown) {
                                // expected once shutdown() has run
                            } finally {
                                if (submitting.getCount() > 0) {
                                    submitting.countDown();
                                }
                            }
                        }, "submitter-" + t);
                        submitter.start();
                        submitters.add(submitter);
                    }
                    submitting.await();
                    pool.shutdown();
                    for (Thread s : submitters) {
                        s.join();
                    }
                    assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
                }
                // Terminated: every dispatcher has stopped, so whatever is not done now never will be.
                synchronized (accepted) {
                    assertThat(accepted).as("round %d: futures of accepted tasks left pending by a terminated pool", round)
                            .allMatch(Future::isDone);
                }
            }
        }
    }

    /**
     * Was a bug, now fixed: shutdownNow() kills only the workers in ProcessPool.running, which
     * a dispatcher sets in runOne, after it has taken the task off the queue
     * and started a worker for it. A task taken but whose worker is still
     * starting is neither returned nor stopped: it runs, and succeeds, after
     * shutdownNow() returned without it.
     */
    @Test
    void shutdownNowReturnsOrStopsATaskWhoseWorkerIsStillStarting() throws Exception {
        int taken = 0;
        for (int round = 0; round < 400 && taken == 0; round++) {
            try (ProcessPool pool = quiet().workers(1).build()) {
                Future<Integer> task = pool.submit(() -> 1); // no worker yet: the dispatcher starts one for it
                delay(round * 2_000L); // explores interleavings: 0, 2, 4... microseconds after submit
                List<Runnable> notStarted = pool.shutdownNow();

                if (notStarted.isEmpty()) { // the dispatcher took it first: it must be stopped
                    taken++;
                    Throwable end = catchThrowable(() -> task.get(BOUND_SECONDS, TimeUnit.SECONDS));
                    assertThat(end).as("the outcome of a task shutdownNow() did not return (null: it ran, and"
                                    + " returned %s)", end == null ? task.get() : "-")
                            .isInstanceOfAny(ExecutionException.class, CancellationException.class);
                } else {
                    assertThat(notStarted).hasSize(1);
                }
                assertThat(pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            }
        }
        Assumptions.assumeTrue(taken > 0, "shutdownNow() always won the race to the queue");
    }

    /** Busy-waits about {@code nanos}: a delay that varies an interleaving, not a synchronisation. */
    private static void delay(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
