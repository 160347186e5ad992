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
 * Reading a child's stdout: {@code dd if=/dev/zero bs=1M count=N}, drained to
 * the end through each launcher's own API. Each invocation is one whole child,
 * so this is single-shot time; the harness turns it into MiB/s.
 *
 * <p>Why dd and not {@code head -c}: head writes 8 KiB at a time and tops out
 * near 1 GB/s on its own (measured: {@code head -c 1G /dev/zero | cat} takes
 * about 2.5 times as long as the same through dd with 1 MiB writes), so it
 * would measure head rather than the reader.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StdoutBenchmark {
    private static final long MIB = 1024 * 1024;

    /** A {@link LauncherKind} id. */
    @Param("posix_spawn")
    public String launcher;

    /** How many bytes the child writes; a whole number of MiB. */
    @Param("1073741824")
    public long bytes;

    private Launcher open;

    /** The child: writes {@code bytes} zero bytes to stdout in 1 MiB writes. */
    static String[] command(long bytes) {
        if (bytes % MIB != 0) {
            throw new IllegalArgumentException(bytes + " is not a whole number of MiB");
        }
        return new String[] {"/bin/dd", "if=/dev/zero", "bs=1M", "count=" + bytes / MIB, "status=none"};
    }

    @Setup(Level.Trial)
    public void setUp() {
        open = LauncherKind.byId(launcher).open();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        open.close();
    }

    @Benchmark
    public long readAll() throws Exception {
        long got = open.drainStdout(command(bytes));
        if (got != bytes) { // a launcher that lost bytes must not look fast
            throw new IllegalStateException(launcher + " read " + got + " bytes of " + bytes);
        }
        return got;
    }
}
