package dev.safespawn.docs.snippets;

import dev.safespawn.pool.MapOptions;
import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.Subprocess;
import dev.safespawn.pool.WorkerCrashedException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** The process-pool guide: one call in a fresh JVM, a pool that outlives a crash, futures and maps. */
public final class Pool {
    private Pool() {
    }

    // tag::subprocess[]
    static String inAFreshJvm() throws ExecutionException, InterruptedException {
        // multiprocessing.Process for one function with a result: the JVM starts, runs it and exits
        return Subprocess.call(() -> "computed by pid " + ProcessHandle.current().pid());
    }
    // end::subprocess[]

    // tag::standby[]
    static final ProcessPool.Builder READY_JVM = ProcessPool.builder().standby(1);

    static String inAStandbyJvm() throws ExecutionException, InterruptedException {
        Subprocess.prestart(READY_JVM);                // once, at start-up: waits until one JVM is up
        // each call takes the JVM standing by (initialized, no task run yet), and another starts behind it
        return Subprocess.call(() -> "computed by pid " + ProcessHandle.current().pid(), READY_JVM);
    }
    // end::standby[]

    // tag::crash[]
    static String survivesACrash() throws ExecutionException, InterruptedException {
        try (ProcessPool pool = ProcessPool.builder().workers(1).taskTimeout(Duration.ofMinutes(1)).build()) {
            Future<Integer> doomed = pool.submit(() -> {
                Runtime.getRuntime().halt(3);              // the worker JVM dies mid-task
                return 0;
            });
            try {
                doomed.get();
            } catch (ExecutionException e) {
                WorkerCrashedException crash = (WorkerCrashedException) e.getCause();
                System.out.println(crash.exitStatus());    // "exited with code 3": only this task failed
            }
            return pool.submit(() -> "a new worker took over").get();
        }
    }
    // end::crash[]

    // tag::future[]
    static String chained() throws ExecutionException, InterruptedException {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            return pool.submit(() -> ProcessHandle.current().pid())   // a CompletableFuture
                    .thenApply(pid -> "answered by worker " + pid)     // runs here, on a completion thread
                    .get();
        }
    }
    // end::future[]

    // tag::map[]
    static long sumOfSquares() {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build();
             Stream<Long> squares = pool.map(LongStream.range(0, 1_000_000).boxed(), x -> x * x,
                     MapOptions.unordered().chunkSize(10_000))) {    // imap_unordered(f, xs, chunksize=10000)
            return squares.mapToLong(Long::longValue).sum();         // never more than 4 chunks read ahead
        }
    }
    // end::map[]
}
