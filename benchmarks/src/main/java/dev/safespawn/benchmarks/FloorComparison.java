package dev.safespawn.benchmarks;

import java.util.Arrays;

/**
 * Spawn+wait of {@code /bin/true} per launcher against the C floor with
 * pipes, in rotating order within each round, so a launcher and the floor
 * share the moment: the quick check of a "× the floor" target between full
 * runs. Prints each launcher's median per call and the median (and spread)
 * of its per-round ratio to the floor's median in the same round.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.FloorComparison ROUNDS PER_ROUND LAUNCHER...
 * </pre>
 *
 * <p>Launchers are {@link LauncherKind} ids, such as {@code zygote posix_spawn}.
 */
public final class FloorComparison {
    private FloorComparison() {
    }

    /**
     * Runs the comparison and prints the result.
     *
     * @param args rounds, spawns per round, then one or more launcher ids
     * @throws Exception if a spawn fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int perRound = Integer.parseInt(args[1]);
        String[] ids = Arrays.copyOfRange(args, 2, args.length);
        Floor floor = Floor.besideJar();
        Launcher[] launchers = new Launcher[ids.length];
        try {
            for (int i = 0; i < ids.length; i++) {
                launchers[i] = LauncherKind.byId(ids[i]).open();
            }
            double[][] micros = new double[ids.length + 1][rounds];
            JitWarmup.run(() -> {
                for (Launcher l : launchers) {
                    medianMicros(l, perRound);
                }
            });
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k <= ids.length; k++) {
                    int side = Math.floorMod(r + k, ids.length + 1);
                    micros[side][r] = side == ids.length ? floor.run(true, perRound / 10, perRound).p50()
                            : medianMicros(launchers[side], perRound);
                }
            }
            System.out.printf("%d rounds of %d spawn+wait; load average %s%n", rounds, perRound,
                    Machine.loadAverage());
            for (int i = 0; i <= ids.length; i++) {
                double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratio[r] = micros[i][r] / micros[ids.length][r];
                }
                Arrays.sort(ratio);
                double[] sorted = micros[i].clone();
                Arrays.sort(sorted);
                System.out.printf("  %-26s median %7.1f us, / floor with pipes %.3f (min %.3f, max %.3f)%n",
                        i == ids.length ? "C floor (pipes)" : ids[i], sorted[rounds / 2], ratio[rounds / 2],
                        ratio[0], ratio[rounds - 1]);
            }
        } finally {
            for (Launcher l : launchers) {
                if (l != null) {
                    l.close();
                }
            }
        }
    }

    private static double medianMicros(Launcher launcher, int n) throws Exception {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            launcher.run(SpawnBenchmark.TRUE);
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        return nanos[n / 2] / 1000.0;
    }
}
