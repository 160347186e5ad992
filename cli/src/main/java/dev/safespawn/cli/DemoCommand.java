package dev.safespawn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code safespawn demo}: groups the live demonstrations; without one it prints its usage and exits 2. */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Live demonstrations of the bugs safespawn prevents.",
        subcommands = {WakeupPipeDemo.class})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return CommandGroups.usageError(spec);
    }
}
