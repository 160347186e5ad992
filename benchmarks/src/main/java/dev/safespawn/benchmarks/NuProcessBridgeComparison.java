package dev.safespawn.benchmarks;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import dev.safespawn.Spawner;
import dev.safespawn.nuprocess.SafeNuProcessBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The NuProcess bridge against NuProcess itself: spawn and wait of
 * {@code /bin/true} with the same empty handler, through
 * {@code NuProcessBuilder} and through {@code SafeNuProcessBuilder}, in one
 * JVM, alternating which goes first in each round so both share the moment
 * and the machine's mood. Prints each side's median, p90, p99 and mean per
 * spawn+wait over all rounds, and the median and spread of the per-round ratios
 * (bridge / NuProcess; below 1.00 the bridge is faster).
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.NuProcessBridgeComparison [ROUNDS] [PER_ROUND] [STRATEGY]
 * </pre>
 *
 * Without a strategy the bridge uses its shared routing spawner.
 */
public final class NuProcessBridgeComparison {
    private static final List<String> TRUE = List.of(SpawnBenchmark.TRUE);
    private static final int WARM_UP_ROUNDS = 3;

    private NuProcessBridgeComparison() {
    }

    /**
     * Runs the comparison and prints the result.
     *
     * @param args optional: measured rounds (default 20), spawns per round and
     *        side (default 200), and a strategy to pin the bridge to
     * @throws Exception if a spawn fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Spawner pinned = args.length > 2 ? Spawner.of(args[2]) : null;
        try {
            Supplier<NuProcessBuilder> stock = () -> new NuProcessBuilder(TRUE);
            Supplier<NuProcessBuilder> bridge = () -> {
                SafeNuProcessBuilder b = new SafeNuProcessBuilder(TRUE);
                if (pinned != null) {
                    b.setSpawner(pinned);
                }
                return b;
            };
            long[] stockNanos = new long[rounds * perRound];
            long[] bridgeNanos = new long[rounds * perRound];
            double[] ratios = new double[rounds];
            for (int r = -WARM_UP_ROUNDS; r < rounds; r++) {
                int at = Math.max(r, 0) * perRound;
                long s;
                long b;
                if (Math.floorMod(r, 2) == 0) {
                    s = loop(stock, perRound, stockNanos, at);
                    b = loop(bridge, perRound, bridgeNanos, at);
                } else {
                    b = loop(bridge, perRound, bridgeNanos, at);
                    s = loop(stock, perRound, stockNanos, at);
                }
                if (r >= 0) {
                    ratios[r] = (double) b / s;
                }
            }
            System.out.printf("%d rounds of %d spawn+wait of %s per side; bridge on %s%n", rounds, perRound,
                    SpawnBenchmark.TRUE, pinned != null ? pinned.strategyName() : "the shared routing spawner");
            print("NuProcess 3.0", stockNanos);
            print("SafeNuProcessBuilder", bridgeNanos);
            Arrays.sort(ratios);
            System.out.printf("bridge / NuProcess per round: median %.3f (min %.3f, max %.3f)%n",
                    ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
        } finally {
            if (pinned != null) {
                pinned.close();
            }
        }
    }

    /** Runs {@code n} spawn+waits, recording each from {@code at} on; returns the total nanoseconds. */
    private static long loop(Supplier<NuProcessBuilder> builders, int n, long[] record, int at) throws Exception {
        long total = 0;
        for (int i = 0; i < n; i++) {
            NuProcessBuilder builder = builders.get();
            builder.setProcessListener(new NuAbstractProcessHandler() { });
            long start = System.nanoTime();
            NuProcess p = builder.start();
            p.closeStdin(true);
            int code = p.waitFor(0, TimeUnit.SECONDS);
            long took = System.nanoTime() - start;
            if (code != 0) {
                throw new IllegalStateException(builder.getClass().getSimpleName() + ": exit " + code);
            }
            record[at + i] = took;
            total += took;
        }
        return total;
    }

    private static void print(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-22s median %8.1f µs, p90 %8.1f µs, p99 %9.1f µs, mean %8.1f µs%n", what + ":",
                sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.9)] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3, Arrays.stream(sorted).average().orElse(0) / 1e3);
    }
}
