package dev.safespawn.benchmarks;

import dev.safespawn.pool.ProcessPool;
import dev.safespawn.pool.SerializableCallable;
import dev.safespawn.pool.Subprocess;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link ProcessPool} and {@link Subprocess}: the round trip of a trivial task
 * to a warm worker JVM, and one task in a fresh JVM (start, run, exit). The
 * Python counterparts are measured by {@code pool_reference.py}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PoolBenchmark {
    /** The task: nothing to compute, so only the pool's own cost is measured. */
    static final SerializableCallable<Integer> TRIVIAL = () -> 42;

    /** A pool of one worker, started and warmed before measuring. */
    @State(Scope.Benchmark)
    public static class WarmPool {
        ProcessPool pool;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            pool = ProcessPool.builder().workers(1).prestart().output(ProcessPool.Output.discard()).build();
            if (pool.submit(TRIVIAL).get() != 42) { // the worker is up and has run a task
                throw new IllegalStateException("the worker returned a wrong answer");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
        }
    }

    /** Submit to one warm worker and wait for the answer. */
    @Benchmark
    public Integer warmRoundTrip(WarmPool warm) throws Exception {
        return warm.pool.submit(TRIVIAL).get();
    }

    /** A fresh worker JVM for one task: {@code Subprocess.call}. */
    @Benchmark
    public Integer subprocessCall() throws Exception {
        return Subprocess.call(TRIVIAL);
    }
}
