package dev.safespawn.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Spawn and wait for {@code /bin/true}, per launcher, with {@link #heapMiB} MiB
 * of live, touched heap. Sampled per invocation, so the report has a median
 * and percentiles, not only a mean. The harness sets {@code -Xms}/{@code -Xmx}
 * to match the ballast for each heap size (see {@link Suite}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpawnBenchmark {
    static final String TRUE = "/bin/true";

    /** A {@link LauncherKind} id. */
    @Param("posix_spawn")
    public String launcher;

    /** Live heap to hold while spawning, in MiB; 0 for none. */
    @Param("0")
    public int heapMiB;

    private Launcher open;
    private final HeapBallast ballast = new HeapBallast();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ballast.fill(heapMiB);
        open = LauncherKind.byId(launcher).open();
        if (open.run(TRUE) != 0) {
            throw new IllegalStateException(launcher + ": " + TRUE + " did not exit 0");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        open.close();
        if (ballast.bytes() != (long) heapMiB * 1024 * 1024) { // also keeps the ballast reachable to the end
            throw new IllegalStateException("ballast lost");
        }
    }

    /** One child, started and reaped, all its streams closed. */
    @Benchmark
    public int spawnAndWait() throws Exception {
        return open.run(TRUE);
    }
}
