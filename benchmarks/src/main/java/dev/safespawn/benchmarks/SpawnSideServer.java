package dev.safespawn.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One side of a heap comparison in the suite's {@code targets} part: a JVM
 * that holds a touched ballast ({@link HeapBallast}) and spawns on request,
 * so the harness can measure two heap sizes in alternating rounds while each
 * side stays warm. The harness starts it with {@code -Xms} = {@code -Xmx} =
 * ballast + {@link Suite#HEAP_HEADROOM_MIB} MiB, as the JMH heap runs have.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.SpawnSideServer LAUNCHER HEAP_MIB WARMUP_SPAWNS
 * </pre>
 *
 * <p>It fills the ballast, opens the launcher, runs JIT warm-up rounds of
 * {@code WARMUP_SPAWNS} spawn+waits of {@code /bin/true}, and prints
 * {@value ServedSide#READY} (what it prints before that is progress). Then it
 * answers each line {@code n} on stdin with one line: the median, in
 * nanoseconds, of {@code n} spawn+waits. At end of input it closes the
 * launcher and exits. Runs on one thread.
 */
public final class SpawnSideServer {
    /** Held here to the end, so the ballast stays reachable, and resident, while the side spawns. */
    private static volatile HeapBallast ballast;

    private SpawnSideServer() {
    }

    /**
     * Serves until stdin ends.
     *
     * @param args launcher id, ballast MiB, spawns per warm-up round
     * @throws Exception if a spawn fails
     */
    public static void main(String[] args) throws Exception {
        LauncherKind kind = LauncherKind.byId(args[0]);
        int heapMiB = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        HeapBallast filled = new HeapBallast();
        filled.fill(heapMiB);
        ballast = filled;
        try (Launcher launcher = kind.open()) {
            JitWarmup.run(() -> medianNanos(launcher, warmup));
            System.out.println(ServedSide.READY);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                System.out.println(medianNanos(launcher, Integer.parseInt(line.trim())));
                System.out.flush();
            }
        }
        System.err.println("  " + kind.id() + " side with " + ballast.bytes() / 1048576 + " MiB of ballast: done");
    }

    private static long medianNanos(Launcher launcher, int n) throws Exception {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            int code = launcher.run(SpawnBenchmark.TRUE);
            nanos[i] = System.nanoTime() - start;
            if (code != 0) {
                throw new IllegalStateException("/bin/true exited " + code);
            }
        }
        Arrays.sort(nanos);
        return Rounds.percentile(nanos, 50);
    }
}
