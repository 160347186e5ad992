package dev.safespawn.benchmarks;

import dev.safespawn.pool.ProcessPool;
import java.util.Arrays;

/**
 * A plain loop for profilers (strace -c, perf, JFR), which want a steady
 * process to attach to rather than JMH's forks. Prints the median and the
 * 10th/90th percentiles of the timed calls.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.ProfileLoop spawn LAUNCHER N
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.ProfileLoop stdout LAUNCHER N [MIB]
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.ProfileLoop pool N [WORKER_JVM_OPTION...]
 * </pre>
 *
 * <p>For the pool, options after N go to the worker JVM, for example
 * {@code -XX:StartFlightRecording=filename=worker.jfr,settings=profile} to
 * record the worker while the parent is recorded with the same option.
 */
public final class ProfileLoop {
    private ProfileLoop() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[args[0].equals("pool") ? 1 : 2]);
        long[] nanos = new long[n];
        switch (args[0]) {
            case "spawn" -> {
                try (Launcher launcher = LauncherKind.byId(args[1]).open()) {
                    for (int i = 0; i < n / 10; i++) {
                        launcher.run(SpawnBenchmark.TRUE); // warm-up, untimed
                    }
                    for (int i = 0; i < n; i++) {
                        long t = System.nanoTime();
                        launcher.run(SpawnBenchmark.TRUE);
                        nanos[i] = System.nanoTime() - t;
                    }
                }
            }
            case "stdout" -> {
                long bytes = (args.length > 3 ? Long.parseLong(args[3]) : 1024) << 20;
                try (Launcher launcher = LauncherKind.byId(args[1]).open()) {
                    launcher.drainStdout(StdoutBenchmark.command(bytes)); // warm-up, untimed
                    for (int i = 0; i < n; i++) {
                        long t = System.nanoTime();
                        launcher.drainStdout(StdoutBenchmark.command(bytes));
                        nanos[i] = System.nanoTime() - t;
                        System.out.printf("%.0f MiB/s%n", (bytes >> 20) / (nanos[i] / 1e9));
                    }
                }
            }
            case "pool" -> {
                String[] workerOptions = Arrays.copyOfRange(args, 2, args.length);
                try (ProcessPool pool = ProcessPool.builder().workers(1).prestart().jvmOptions(workerOptions)
                        .output(ProcessPool.Output.discard()).build()) {
                    for (int i = 0; i < n / 10; i++) {
                        pool.submit(PoolBenchmark.TRIVIAL).get();
                    }
                    for (int i = 0; i < n; i++) {
                        long t = System.nanoTime();
                        pool.submit(PoolBenchmark.TRIVIAL).get();
                        nanos[i] = System.nanoTime() - t;
                    }
                }
            }
            default -> throw new IllegalArgumentException(
                    "modes: spawn LAUNCHER N | stdout LAUNCHER N [MIB] | pool N [WORKER_JVM_OPTION...]");
        }
        Arrays.sort(nanos);
        System.out.printf("%s: n=%d p10=%.1f us median=%.1f us p90=%.1f us%n", String.join(" ", args), n,
                nanos[n / 10] / 1e3, nanos[n / 2] / 1e3, nanos[n * 9 / 10] / 1e3);
    }
}
