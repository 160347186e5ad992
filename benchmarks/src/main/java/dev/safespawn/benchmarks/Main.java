package dev.safespawn.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark jar's entry point: runs every part through JMH's Runner API
 * and the scenario drivers, then writes RESULTS.md and the plots.
 *
 * <pre>
 * java -jar benchmarks/target/safespawn-benchmarks.jar [--quick] [--only PART,...] [--out DIR]
 * </pre>
 *
 * <p>{@code --quick} is a smoke run with tiny iteration counts, written to
 * {@code benchmarks/target/quick/} so it never replaces the real results.
 * {@code --only} runs some parts: {@code targets} (the comparisons the targets
 * are judged on, in alternating rounds), {@code spawn} (with the heap sizes and the C
 * floor), {@code stdout}, {@code pool}, {@code concurrent}, {@code failure}.
 * {@code --out} writes the report somewhere else.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true"); // plots are drawn without a display
        Profile profile = Profile.FULL;
        Set<String> parts = new LinkedHashSet<>(Suite.PARTS);
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> profile = Profile.QUICK;
                case "--only" -> parts = parts(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i]);
                    usage();
                    System.exit(2);
                }
            }
        }
        if (out == null) {
            Path benchmarks = jarDirectory().getParent();
            out = profile.quick() ? benchmarks.resolve("target").resolve("quick") : benchmarks;
        }
        Files.createDirectories(out);
        System.out.println("safespawn benchmarks: profile " + profile.name() + ", parts " + parts + ", report in " + out);
        String load = Machine.loadAverage();
        if (!load.equals("unknown") && Double.parseDouble(load) >= 1.0) {
            System.out.println("WARNING: the 1-minute load average is " + load + "; other work will skew the numbers");
        }

        Results results = new Suite(profile, parts).run();

        Path plots = out.resolve("results");
        removeOldPlots(plots);
        List<String> drawn = new Charts(plots).drawAll(results);
        Report.write(out.resolve("RESULTS.md"), results, drawn);
        System.out.println();
        for (Targets.Target t : Targets.evaluate(results)) {
            System.out.printf("%-13s %s: %s (wanted %s)%s%n", t.status(), t.what(), t.measured(), t.wanted(),
                    t.ratio() == null || t.ratio().clean() == 0 ? ""
                            : String.format(java.util.Locale.ROOT, " [p25-p75 %.2f-%.2f, min-max %.2f-%.2f, %d/%d"
                                    + " rounds clean; %s]", t.ratio().p25(), t.ratio().p75(), t.ratio().min(),
                                    t.ratio().max(), t.ratio().clean(), t.ratio().tried(), t.sides()));
        }
        results.problems.forEach(p -> System.out.println("PROBLEM " + p));
        System.out.println("wrote " + out.resolve("RESULTS.md") + " and " + drawn.size() + " plots in " + plots);
    }

    private static Set<String> parts(String csv) {
        Set<String> parts = new LinkedHashSet<>();
        for (String p : csv.split(",")) {
            if (!Suite.PARTS.contains(p.trim())) {
                throw new IllegalArgumentException("unknown part " + p + "; parts: " + Suite.PARTS);
            }
            parts.add(p.trim());
        }
        return parts;
    }

    /** Plots of an earlier run go, so the directory holds exactly what the new report links. */
    private static void removeOldPlots(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> pngs = Files.newDirectoryStream(dir, "*.png")) {
            for (Path png : pngs) {
                Files.delete(png);
            }
        }
    }

    private static void usage() {
        System.err.println("usage: java -jar safespawn-benchmarks.jar [--quick] [--only "
                + String.join(",", Suite.PARTS) + "] [--out DIR]");
    }

    /** The directory holding this jar (benchmarks/target), where the C floor is built too. */
    static Path jarDirectory() {
        try {
            Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.getParent(); // target/ for the jar and for target/classes alike
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the benchmark jar", e);
        }
    }
}
