package dev.safespawn.reliability;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import dev.safespawn.testkit.Probe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario on a configuration with the checks every run shares: what
 * the JVM holds before and after is compared, and anything thrown becomes a
 * problem. Thread-safe; runs are meant to go one at a time, since a
 * leftover is told from what the JVM held before the run.
 */
final class Runs {
    private static boolean warmedUp;

    private Runs() {
    }

    static Outcome run(Scenario scenario, Configuration configuration, Budget budget) throws InterruptedException {
        warmUpOnce();
        Outcome outcome = new Outcome(scenario.name(), configuration.name());
        Residue before = Residue.now();
        long start = System.nanoTime();
        try {
            scenario.run(configuration, budget, outcome);
        } catch (Exception | AssertionError e) {
            outcome.problem("the run failed: " + stackTrace(e));
        }
        outcome.figure("run time (s)", String.format("%.1f", (System.nanoTime() - start) / 1e9));
        before.reportLeftovers(outcome);
        return outcome;
    }

    /**
     * Spawns once through every configuration before the first run, so what
     * the JVM sets up once for its life (the library's long-lived threads,
     * the probe, loaded jars) is in every run's "before".
     */
    private static synchronized void warmUpOnce() {
        if (warmedUp) {
            return;
        }
        warmedUp = true;
        Command probe = Command.builder(Probe.path().toString()).args("exit", "0")
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build();
        for (Configuration c : Configuration.ALL) {
            try (Spawner spawner = c.open()) {
                ChildProcess child = spawner.spawn(probe);
                child.waitFor(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the run on that configuration will meet the same failure and record it
            }
        }
    }

    static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
