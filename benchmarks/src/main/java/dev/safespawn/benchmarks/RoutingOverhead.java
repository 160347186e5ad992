package dev.safespawn.benchmarks;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import dev.safespawn.spi.SpawnStrategy;
import java.util.Arrays;
import java.util.ServiceLoader;

/**
 * What routing adds to a plain spawn: spawn and wait of {@code /bin/true} in
 * one JVM through the spawner {@link Spawner#create()} makes (which routes),
 * through one pinned to the same strategy ({@code Spawner.of(name)}), and
 * through that strategy's {@link SpawnStrategy#spawn(Command)} called
 * directly with no spawner at all, in rotating order within each round so
 * all three share the JVM, the moment and the machine's mood. Prints the
 * median and spread of the per-round ratios; 1.00 means no difference.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.RoutingOverhead [ROUNDS] [PER_ROUND]
 * </pre>
 */
public final class RoutingOverhead {

    private RoutingOverhead() {
    }

    /**
     * Runs the comparison and prints the result.
     *
     * @param args optional: number of measured rounds (default 20) and spawns per round (default 300)
     * @throws Exception if a spawn fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Command plain = Command.of(SpawnBenchmark.TRUE);
        double[] vsPinned = new double[rounds];
        double[] vsDirect = new double[rounds];
        try (Spawner routing = Spawner.create(); Spawner pinned = Spawner.of(routing.strategyName());
             SpawnStrategy direct = strategy(routing.strategyName())) {
            if (routing.isPinned()) {
                throw new IllegalStateException("unset " + Spawner.STRATEGY_PROPERTY + ": it pins Spawner.create()");
            }
            direct.start();
            Spawn[] sides = {routing::spawn, pinned::spawn, direct::spawn};
            for (int r = -3; r < rounds; r++) { // three rounds of warm-up
                long[] nanos = new long[3];
                for (int k = 0; k < 3; k++) { // rotate who goes first
                    int side = Math.floorMod(r + k, 3);
                    nanos[side] = loop(sides[side], plain, perRound);
                }
                if (r >= 0) {
                    vsPinned[r] = (double) nanos[0] / nanos[1];
                    vsDirect[r] = (double) nanos[0] / nanos[2];
                }
            }
            System.out.printf("strategy %s, %d rounds of %d spawn+wait per side%n", routing.strategyName(), rounds,
                    perRound);
            print("routing / pinned", vsPinned);
            print("routing / strategy called directly", vsDirect);
        }
    }

    /** One way to start a command. */
    private interface Spawn {
        ChildProcess spawn(Command command) throws Exception;
    }

    private static SpawnStrategy strategy(String name) {
        for (SpawnStrategy s : ServiceLoader.load(SpawnStrategy.class)) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("no strategy " + name);
    }

    private static void print(String what, double[] ratios) {
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf("%-36s median %.3f (min %.3f, max %.3f)%n", what + ":", median(sorted), sorted[0],
                sorted[sorted.length - 1]);
    }

    /** Nanoseconds for {@code n} spawns and waits of {@code command}. */
    private static long loop(Spawn spawner, Command command, int n) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (ChildProcess child = spawner.spawn(command)) {
                child.waitFor();
            }
        }
        return System.nanoTime() - start;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
