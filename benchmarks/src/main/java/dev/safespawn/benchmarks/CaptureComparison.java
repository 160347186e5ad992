package dev.safespawn.benchmarks;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Run;
import dev.safespawn.RunResult;
import dev.safespawn.Spawner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Run and capture a small output ({@code /bin/echo hello}) per call:
 * safespawn's {@link Run} (and {@code Run} of the floor's own
 * {@code /bin/true}, the like-for-like ratio, beside a plain spawn+wait of
 * it with pipes: what capturing adds), {@code ProcessBuilder} + {@code readAllBytes},
 * Commons Exec with a {@link PumpStreamHandler}, Python's
 * {@code subprocess.run(capture_output=True)} (a loop inside one Python
 * process), and the C floor's posix_spawn + waitpid of {@code /bin/true}
 * with pipes, in rotating order within each round so all share the moment.
 * Prints each side's median microseconds per call and the median of the
 * per-round ratios to the floor.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.CaptureComparison [ROUNDS] [PER_ROUND]
 * </pre>
 */
public final class CaptureComparison {
    private static final String ECHO = "/bin/echo";

    private CaptureComparison() {
    }

    /**
     * Runs the comparison and prints the result.
     *
     * @param args optional: rounds (default 10) and calls per round (default 200)
     * @throws Exception if a call fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Floor floor = Floor.besideJar();
        try (Spawner spawner = Spawner.create()) {
            Command echo = Command.of(ECHO, "hello");
            Command yes = Command.of(SpawnBenchmark.TRUE);
            Side[] sides = {
                new Side("C floor, /bin/true with pipes", n -> floor.run(true, 20, n).p50() * 1000 * n, false),
                new Side("safespawn spawn+wait, /bin/true", n -> loop(n, () -> {
                    try (ChildProcess p = spawner.spawn(yes)) {
                        p.waitFor();
                    }
                })),
                new Side("safespawn Run, /bin/true", n -> loop(n, () -> Run.run(yes, spawner).check())),
                new Side("safespawn Run", n -> loop(n, () -> check(Run.run(echo, spawner).stdoutText()))),
                new Side("ProcessBuilder + readAllBytes", n -> loop(n, CaptureComparison::processBuilder)),
                new Side("Commons Exec + PumpStreamHandler", n -> loop(n, CaptureComparison::commonsExec)),
                new Side("Python subprocess.run", CaptureComparison::python, false),
            };
            double[][] perCall = new double[sides.length][rounds];
            JitWarmup.run(() -> {
                for (Side side : sides) {
                    if (side.inThisJvm) {
                        side.nanos.of(perRound);
                    }
                }
            });
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < sides.length; k++) {
                    int s = Math.floorMod(r + k, sides.length);
                    perCall[s][r] = sides[s].nanos.of(perRound) / perRound / 1000;
                }
            }
            System.out.printf("strategy %s; %d rounds of %d calls; load average %s%n",
                    spawner.strategyFor(echo).orElse("?"), rounds, perRound, Machine.loadAverage());
            for (int s = 0; s < sides.length; s++) {
                double[] sorted = perCall[s].clone();
                Arrays.sort(sorted);
                double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratio[r] = perCall[s][r] / perCall[0][r];
                }
                Arrays.sort(ratio);
                System.out.printf("  %-34s median %7.1f us/call, / floor %.3f (min %.3f, max %.3f)%n", sides[s].name,
                        sorted[rounds / 2], ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
            }
        }
    }

    /** Nanoseconds for {@code n} calls. */
    private interface Timed {
        double of(int n) throws Exception;
    }

    private interface Call {
        void run() throws Exception;
    }

    /** One side; {@code inThisJvm}: its code runs in this JVM, so its warm-up is this JVM's. */
    private record Side(String name, Timed nanos, boolean inThisJvm) {
        Side(String name, Timed nanos) {
            this(name, nanos, true);
        }
    }

    private static double loop(int n, Call call) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            call.run();
        }
        return System.nanoTime() - start;
    }

    private static void check(String out) {
        if (!out.equals("hello\n")) {
            throw new IllegalStateException("captured " + out);
        }
    }

    private static void processBuilder() throws Exception {
        Process p = new ProcessBuilder(ECHO, "hello").start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.getErrorStream().readAllBytes();
        p.waitFor();
        check(out);
    }

    private static void commonsExec() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DefaultExecutor executor = DefaultExecutor.builder()
                .setExecuteStreamHandler(new PumpStreamHandler(out, err)).get();
        executor.execute(new CommandLine(ECHO).addArgument("hello"));
        check(out.toString(StandardCharsets.UTF_8));
    }

    /** One Python process runs {@code n} calls and reports the nanoseconds they took. */
    private static double python(int n) throws Exception {
        String script = String.join("\n",
                "import subprocess, sys, time",
                "n = int(sys.argv[1])",
                "t = time.perf_counter_ns()",
                "for _ in range(n):",
                "    r = subprocess.run(['" + ECHO + "', 'hello'], capture_output=True)",
                "    assert r.stdout == b'hello\\n'",
                "print(time.perf_counter_ns() - t)");
        try (Spawner spawner = Spawner.create()) {
            RunResult r = Run.run(Command.of("python3", "-c", script, Integer.toString(n)), spawner).check();
            return Double.parseDouble(r.stdoutText().strip());
        }
    }
}
