package dev.safespawn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command that only groups subcommands ({@code safespawn},
 * {@code demo}, {@code bench}) does when run without one.
 */
final class CommandGroups {
    private CommandGroups() {
    }

    /**
     * Prints the group's usage to stderr and returns
     * {@value SafespawnCli#USAGE_ERROR}: being asked to do
     * nothing is a usage error, and its usage is the most helpful answer.
     */
    static int usageError(CommandSpec spec) {
        CommandLine cli = spec.commandLine();
        cli.usage(cli.getErr());
        cli.getErr().flush();
        return SafespawnCli.USAGE_ERROR;
    }
}
