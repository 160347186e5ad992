package dev.safespawn.docs.snippets;

import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.Subprocess;
import dev.safespawn.pool.WorkerCrashedException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** The process-pool guide: one call in a fresh JVM, and a pool that outlives a crash. */
public final class Pool {
    private Pool() {
    }

    // tag::subprocess[]
    static String inAFreshJvm() throws ExecutionException, InterruptedException {
        // multiprocessing.Process for one function with a result: the JVM starts, runs it and exits
        return Subprocess.call(() -> "computed by pid " + ProcessHandle.current().pid());
    }
    // end::subprocess[]

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
}
