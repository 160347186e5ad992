package dev.safespawn.docs.build;

import dev.safespawn.Feature;
import dev.safespawn.cli.SafespawnCli;
import dev.safespawn.spi.SpawnStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Writes the parts of the site that the code or the benchmark run already
 * says, so that the pages cannot drift from them: the feature matrix and
 * routing order (from each strategy's {@link SpawnStrategy#features()} and
 * {@link SpawnStrategy#priority()}), the {@code safespawn} command's usage
 * (from its picocli model), and the benchmark pages (from
 * {@code benchmarks/*.md} and its plots). Run by the build before Asciidoctor,
 * which includes what this writes.
 */
public final class SiteSources {
    /** Where the benchmark plots go in the site, as the pages link them. */
    static final String PLOTS_IN_SITE = "benchmarks/results";

    private SiteSources() {
    }

    /**
     * Writes every generated part.
     *
     * @param args the directory for the generated includes, the {@code benchmarks} folder, the site's directory
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: SiteSources GENERATED_DIR BENCHMARKS_DIR SITE_DIR");
        }
        Path generated = Path.of(args[0]);
        Path benchmarks = Path.of(args[1]);
        Path site = Path.of(args[2]);
        Files.createDirectories(generated);
        List<SpawnStrategy> strategies = strategies();
        write(generated.resolve("feature-matrix.adoc"), featureMatrix(strategies));
        write(generated.resolve("routing-order.adoc"), routingOrder(strategies));
        write(generated.resolve("cli-reference.adoc"), cliReference(new CommandLine(new SafespawnCli())));
        BenchmarkPages.write(benchmarks, generated, site.resolve(PLOTS_IN_SITE));
    }

    /** Every strategy on the class path, in the routing spawner's order of preference. */
    static List<SpawnStrategy> strategies() {
        List<SpawnStrategy> all = new ArrayList<>();
        ServiceLoader.load(SpawnStrategy.class, SiteSources.class.getClassLoader()).forEach(all::add);
        all.sort(Comparator.comparingInt(SpawnStrategy::priority).reversed());
        return all;
    }

    /** An AsciiDoc table: one row per {@link Feature}, one column per strategy. */
    static String featureMatrix(List<SpawnStrategy> strategies) {
        StringBuilder t = new StringBuilder();
        t.append("[cols=\"2,").append(String.join(",", java.util.Collections.nCopies(strategies.size(), "1")))
                .append("\",options=\"header\"]\n|===\n| feature");
        strategies.forEach(s -> t.append(" | `").append(s.name()).append('`'));
        t.append('\n');
        for (Feature f : Feature.values()) {
            t.append("| javadoc:Feature#").append(f.name()).append("[").append(f.name()).append("]");
            for (SpawnStrategy s : strategies) {
                t.append(" | ").append(s.features().contains(f) ? "yes" : "no");
            }
            t.append('\n');
        }
        return t.append("|===\n").toString();
    }

    /** The strategies as the routing spawner tries them, with their priorities. */
    static String routingOrder(List<SpawnStrategy> strategies) {
        return strategies.stream()
                .map(s -> "`" + s.name() + "` (priority " + s.priority() + ")")
                .collect(Collectors.joining(" → ")) + "\n";
    }

    /** One section per command and subcommand, each with its usage as picocli prints it. */
    static String cliReference(CommandLine root) {
        StringBuilder out = new StringBuilder();
        appendUsage(root, out);
        return out.toString();
    }

    private static void appendUsage(CommandLine command, StringBuilder out) {
        String name = command.getCommandSpec().qualifiedName();
        String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing();
        out.append("=== ").append(name).append("\n\n[listing]\n....\n").append(usage).append("\n....\n\n");
        command.getSubcommands().values().stream().distinct().forEach(sub -> appendUsage(sub, out));
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies every file of {@code from} (not its subfolders) into {@code to}. */
    static void copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
