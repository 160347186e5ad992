package dev.safespawn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code safespawn} command. It does nothing by itself: it groups the
 * subcommands ({@code doctor}, {@code run}, {@code demo}, {@code bench}) and,
 * when run without one, prints its usage to stderr and exits
 * {@value #USAGE_ERROR}.
 */
@Command(name = "safespawn",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Start child processes safely, and check that this machine lets you.",
        subcommands = {DoctorCommand.class, RunCommand.class, DemoCommand.class, BenchCommand.class})
public final class SafespawnCli implements Callable<Integer> {
    /**
     * Status of every subcommand when safespawn itself was misused: a bad
     * option, an unknown subcommand, a request the strategy cannot meet.
     * 125, as GNU {@code timeout} and {@code env} use, not picocli's 2: a
     * program that {@code run} starts may well exit 2 itself.
     */
    static final int USAGE_ERROR = 125;

    @Spec
    private CommandSpec spec;

    /** Runs the CLI and exits with the command's status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The CLI as {@link #main} runs it. Errors are one line on stderr, because
     * users need the message, not our internals: an unexpected exception
     * gives status 1 rather than picocli's stack trace, and a bad command line
     * status {@value #USAGE_ERROR} with a pointer to {@code --help} rather than the whole usage.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SafespawnCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + e);
            commandLine.getErr().flush();
            return 1;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine wrong = e.getCommandLine();
            String name = wrong.getCommandSpec().qualifiedName();
            String message = e.getMessage() == null ? "invalid command line" : e.getMessage().strip().lines()
                    .findFirst().orElse("invalid command line");
            wrong.getErr().println(name + ": " + message + " (see '" + name + " --help')");
            wrong.getErr().flush();
            return USAGE_ERROR;
        });
        return cli;
    }

    @Override
    public Integer call() {
        return CommandGroups.usageError(spec);
    }
}
