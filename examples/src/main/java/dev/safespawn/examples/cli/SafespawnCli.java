package dev.safespawn.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code safespawn} command. It does nothing by itself: it groups the
 * subcommands ({@code doctor} for now) and, when run without one, prints its
 * usage to stderr and exits 2, the conventional status for a usage error.
 */
@Command(name = "safespawn",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Start child processes safely, and check that this machine lets you.",
        subcommands = {DoctorCommand.class})
public final class SafespawnCli implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Runs the CLI and exits with the command's status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The CLI as {@link #main} runs it: an unexpected exception becomes one
     * line on stderr and status 1 rather than picocli's default stack trace,
     * because users of a diagnostic tool need the message, not our internals.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SafespawnCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + e);
            commandLine.getErr().flush();
            return 1;
        });
        return cli;
    }

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        cli.usage(cli.getErr());
        cli.getErr().flush();
        return CommandLine.ExitCode.USAGE;
    }
}
