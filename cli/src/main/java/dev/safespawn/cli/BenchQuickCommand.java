package dev.safespawn.cli;

import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import dev.safespawn.Spawner.StrategyInfo;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code safespawn bench quick}: a few seconds of spawn + wait of
 * {@code /bin/true} through {@link ProcessBuilder} and every available
 * strategy, as a table. A quick look at this machine, not a rigorous
 * benchmark (the {@code benchmarks} module has the JMH ones).
 *
 * <p>Exits 0 when every launcher was measured; 1 when one failed, which its
 * row and one line on stderr say.
 */
@CommandLine.Command(name = "quick",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = {
            "A few seconds of spawn + wait of /bin/true per launcher, as a table.",
            "",
            "ProcessBuilder is the baseline: 'vs ProcessBuilder' is spawns/s relative",
            "to it, so above 1 is faster. Not a rigorous benchmark: see benchmarks/."})
public final class BenchQuickCommand implements Callable<Integer> {
    private static final String PROGRAM = "/bin/true";
    private static final String BASELINE = "ProcessBuilder";

    @Spec
    private CommandSpec spec;

    private int warmup;
    private int iterations;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "200",
            description = "untimed spawns first, per launcher (default: ${DEFAULT-VALUE})")
    void warmup(int n) {
        if (n < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup: " + n + " is negative");
        }
        warmup = n;
    }

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "1000",
            description = "timed spawns per launcher, at most (default: ${DEFAULT-VALUE})")
    void iterations(int n) {
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--iterations: " + n + " is less than 1");
        }
        iterations = n;
    }

    @Option(names = "--max-time", paramLabel = "T", defaultValue = "1s", converter = DurationConverter.class,
            description = "stop timing a launcher after T even before N spawns (default: ${DEFAULT-VALUE})")
    private Duration budget;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("safespawn bench quick: spawn + wait of " + PROGRAM + ", " + warmup + " warm-up, then up to "
                + iterations + " timed spawns or " + DurationConverter.format(budget) + " per launcher");
        out.println();
        out.flush();
        SpawnTimer timer = new SpawnTimer(warmup, iterations, budget);
        Map<String, LatencyStats> results = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        measure(BASELINE, timer, processBuilder(), results, failures);
        for (StrategyInfo s : Spawner.strategies()) {
            if (s.available()) {
                measureStrategy(s.name(), timer, results, failures);
            }
        }
        print(out, results, failures);
        return failures.isEmpty() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    }

    private static SpawnTimer.Operation processBuilder() {
        // Same stdio as the strategies' command below, so the comparison is like for like.
        ProcessBuilder pb = new ProcessBuilder(PROGRAM)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        return () -> check(pb.start().waitFor());
    }

    private void measureStrategy(String name, SpawnTimer timer, Map<String, LatencyStats> results,
                                 List<String> failures) {
        Command command = Command.builder(PROGRAM)
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build();
        try (Spawner spawner = Spawner.of(name)) {
            measure(name, timer, () -> check(spawner.spawn(command).waitFor()), results, failures);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            fail(name, e.getMessage(), failures);
        }
    }

    private void measure(String name, SpawnTimer timer, SpawnTimer.Operation op,
                         Map<String, LatencyStats> results, List<String> failures) {
        try {
            results.put(name, LatencyStats.of(timer.measure(op)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(name, "interrupted", failures);
        } catch (Exception e) {
            fail(name, e.getMessage(), failures);
        }
    }

    private static void check(int exitValue) throws IOException {
        if (exitValue != 0) {
            throw new IOException(PROGRAM + " exited with " + exitValue);
        }
    }

    private void fail(String name, String message, List<String> failures) {
        failures.add(name);
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + name + ": " + message);
        spec.commandLine().getErr().flush();
    }

    private static void print(PrintWriter out, Map<String, LatencyStats> results, List<String> failures) {
        String micro = Terminal.canShow("\u00b5") ? "\u00b5s" : "us";
        TextTable table = new TextTable("launcher", "spawns/s", "median " + micro, "p90 " + micro,
                "vs " + BASELINE).alignRight(1, 2, 3, 4);
        LatencyStats baseline = results.get(BASELINE);
        results.forEach((name, s) -> table.addRow(name, format("%.0f", s.perSecond()),
                format("%.0f", s.medianMicros()), format("%.0f", s.p90Micros()),
                baseline == null ? "-" : format("%.2fx", s.perSecond() / baseline.perSecond())));
        failures.forEach(name -> table.addRow(name, "failed", "-", "-", "-"));
        table.print(out, "  ");
        out.flush();
    }

    private static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }
}
