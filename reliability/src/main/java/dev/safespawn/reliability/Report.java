package dev.safespawn.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the campaign's results as Markdown: the machine, a summary of every
 * scenario on every configuration, then each scenario's figures and the
 * problems it found, word for word.
 */
final class Report {
    private Report() {
    }

    static void write(Path file, Budget budget, Map<Scenario, List<Outcome>> results) throws IOException {
        List<String> md = new ArrayList<>();
        md.add("# Reliability campaign results");
        md.add("");
        md.add("Written by `java -jar reliability/target/safespawn-reliability.jar`"
                + (budget == Budget.SHORT ? " --short" : "") + " on " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "; rerun it to replace this file. Every figure is counted by the run, none is sampled by eye.");
        md.add("");
        md.add("Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name")
                + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ").");
        md.add("");
        md.add("## Summary");
        md.add("");
        summary(md, results);
        results.forEach((scenario, outcomes) -> section(md, scenario, outcomes));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, md.stream().map(Report::withoutMachinePaths).toList());
    }

    /**
     * {@code line} with this machine's temporary and home directories named
     * as variables: the results are published, and the probe and the host
     * JVMs' files live there, so messages quoting them would carry the paths.
     */
    static String withoutMachinePaths(String line) {
        String tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString();
        String home = System.getProperty("user.home");
        String out = tmp.equals("/") ? line : line.replace(tmp + "/", "$TMPDIR/");
        return home == null || home.isEmpty() || home.equals("/") ? out : out.replace(home + "/", "$HOME/");
    }

    private static void summary(List<String> md, Map<Scenario, List<Outcome>> results) {
        Set<String> configurations = new LinkedHashSet<>();
        Configuration.ALL.forEach(c -> configurations.add(c.name()));
        md.add("| scenario | " + String.join(" | ", configurations) + " |");
        md.add("| --- |" + " --- |".repeat(configurations.size()));
        results.forEach((scenario, outcomes) -> {
            Map<String, String> cells = new LinkedHashMap<>();
            configurations.forEach(c -> cells.put(c, "n/a"));
            outcomes.forEach(o -> cells.put(o.configuration(), o.clean() ? "clean" : o.problemCount() + " problem(s)"));
            md.add("| " + scenario.name() + " | " + String.join(" | ", cells.values()) + " |");
        });
        md.add("");
        md.add("n/a: the scenario does not apply to that configuration (its section says why).");
    }

    private static void section(List<String> md, Scenario scenario, List<Outcome> outcomes) {
        md.add("");
        md.add("## " + scenario.name());
        md.add("");
        md.add(scenario.description());
        md.add("");
        Set<String> columns = new LinkedHashSet<>();
        outcomes.forEach(o -> columns.addAll(o.figures().keySet()));
        md.add("| configuration | " + String.join(" | ", columns) + " | result |");
        md.add("| --- |" + " ---: |".repeat(columns.size()) + " --- |");
        for (Outcome o : outcomes) {
            List<String> cells = new ArrayList<>();
            columns.forEach(c -> cells.add(o.figures().getOrDefault(c, "")));
            md.add("| " + o.configuration() + " | " + String.join(" | ", cells) + " | "
                    + (o.clean() ? "clean" : o.problemCount() + " problem(s)") + " |");
        }
        for (Outcome o : outcomes) {
            if (!o.clean()) {
                md.add("");
                md.add("Problems on " + o.configuration() + " (" + o.problemCount() + ", the first "
                        + o.problems().size() + " here):");
                md.add("");
                md.add("```");
                md.addAll(o.problems());
                md.add("```");
            }
        }
    }
}
