package dev.safespawn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code safespawn bench}: groups the benchmarks; without one it prints its usage and exits 2. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Measure how fast this machine starts children.",
        subcommands = {BenchQuickCommand.class})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return CommandGroups.usageError(spec);
    }
}
