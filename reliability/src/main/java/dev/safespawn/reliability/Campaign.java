package dev.safespawn.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the campaign and writes its results: every scenario on every
 * configuration it applies to, one run at a time.
 *
 * <pre>
 * java -jar reliability/target/safespawn-reliability.jar [--short] [--only churn,...] [--on zygote/0,...] [--out FILE]
 * </pre>
 *
 * <p>Without {@code --short} the full budget runs and the results go to
 * {@code reliability/RESULTS.md}; with it, the short budget every build runs,
 * written to {@code reliability/target/short/RESULTS.md} so it never replaces
 * the full results. {@code --only} runs only the scenarios named, {@code --on}
 * only on the configurations named. Exits 0 when every run was clean, 1 when any found a
 * problem, 2 for a bad option.
 */
public final class Campaign {
    private Campaign() {
    }

    /**
     * Runs the campaign.
     *
     * @param args the options above
     * @throws Exception if the results cannot be written
     */
    public static void main(String[] args) throws Exception {
        Budget budget = Budget.FULL;
        List<Scenario> scenarios = Scenarios.ALL;
        List<Configuration> on = Configuration.ALL;
        Path out = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--short" -> budget = Budget.SHORT;
                    case "--only" -> scenarios = Scenarios.named(value(args, ++i, "--only").split(","));
                    case "--on" -> on = Arrays.stream(value(args, ++i, "--on").split(",")).map(Configuration::named).toList();
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --short, --only SCENARIO[,...], --on CONFIGURATION[,...], --out FILE");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("safespawn-reliability: " + e.getMessage());
            System.exit(2);
        }
        if (out == null) {
            out = Path.of(budget == Budget.FULL ? "reliability/RESULTS.md" : "reliability/target/short/RESULTS.md");
        }
        Map<Scenario, List<Outcome>> results = new LinkedHashMap<>();
        boolean clean = true;
        for (Scenario scenario : scenarios) {
            List<Outcome> outcomes = new ArrayList<>();
            for (Configuration configuration : scenario.configurations()) {
                if (!on.contains(configuration)) {
                    continue;
                }
                System.out.println("running " + scenario.name() + " on " + configuration.name() + " ...");
                Outcome outcome = Runs.run(scenario, configuration, budget);
                System.out.println("  " + outcome);
                outcomes.add(outcome);
                clean &= outcome.clean();
            }
            results.put(scenario, outcomes);
            Report.write(out, budget, results);
        }
        System.out.println("wrote " + out.toAbsolutePath());
        System.exit(clean ? 0 : 1);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
