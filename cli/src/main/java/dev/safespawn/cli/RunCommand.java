package dev.safespawn.cli;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Feature;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code safespawn run}: starts one program through safespawn with the CLI's
 * own stdin, stdout and stderr, and exits with its status, like {@code env}
 * or {@code timeout} would.
 *
 * <p>Exit status: the program's own, or 128 + N when signal N killed it; 124
 * when {@code --timeout} expired; 122 when the program's end could not be
 * observed; 127 when it could not be started; 125 for a usage error (a bad
 * option, an unknown or unavailable strategy, or a feature the strategy
 * lacks), so 125 only ever means that safespawn itself was misused. Every
 * error is one line on stderr.
 *
 * <p>With {@code --timeout} the program starts in a process group of its own
 * (with {@code --new-session}, in a session of its own) and the timeout ends
 * that whole group through the library's {@link ChildProcess#terminate}
 * with {@link Command.KillScope#GROUP}, as GNU {@code timeout} ends its
 * group, so a script's background jobs do not outlive it. A group of its
 * own is not the terminal's foreground group, so {@code --foreground} keeps
 * the program in the CLI's group instead (it can then read the terminal and
 * gets Ctrl-C itself), and the timeout then ends the program alone, again
 * as in GNU {@code timeout}.
 */
@CommandLine.Command(name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = {
            "Run a program through safespawn, with this terminal's stdin, stdout and stderr.",
            "",
            "The program inherits only fds 0, 1, 2 and those given with --pass-fd.",
            "Put the program after --, e.g.: safespawn run --timeout 5s -- make -j8"},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "N:the program's exit status, or 128+S if signal S killed it",
            "122:the program's end could not be observed",
            "124:--timeout expired (SIGTERM to the program's group, then SIGKILL 2 s later)",
            "125:usage error: bad option, unknown or unavailable strategy,",
            "   :or a feature the strategy lacks",
            "127:the program could not be started"})
public final class RunCommand implements Callable<Integer> {
    /** Status when {@code --timeout} expired, as coreutils' {@code timeout}. */
    static final int TIMED_OUT = 124;
    /**
     * Status when the child's end could not be observed (its zygote died):
     * distinct from {@link SafespawnCli#USAGE_ERROR}, and from coreutils'
     * 124 to 127, so a script can tell it from every other failure.
     */
    static final int END_NOT_OBSERVED = 122;
    /** How long a timed-out program gets between SIGTERM and SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(2);
    /** Status when the program could not be started, as shells use for "command not found". */
    static final int CANNOT_START = 127;

    private CommandSpec spec;

    /**
     * Everything from the program on is the program's: {@code run sh -c 'exit 7'}
     * must not read {@code -c} as an option of ours, even without {@code --}.
     */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.parser().stopAtPositional(true);
    }

    @Option(names = "--strategy", paramLabel = "S",
            description = "spawn strategy (posix_spawn, zygote, fork_exec, jdk); default: the best available")
    private String strategy;

    @Option(names = "--pass-fd", paramLabel = "P:C", converter = FdMapping.Converter.class,
            description = "give the CLI's own fd P to the program as fd C (repeatable)")
    private List<FdMapping> passFds = new ArrayList<>();

    @Option(names = "--new-session",
            description = "start the program in a new session and process group; --timeout ends the whole group")
    private boolean newSession;

    @Option(names = "--foreground",
            description = "with --timeout, keep the program in this terminal's process group, so it can read"
                    + " the terminal and gets Ctrl-C itself; the timeout then ends the program alone,"
                    + " not what it started")
    private boolean foreground;

    @Option(names = "--dir", paramLabel = "D", description = "working directory of the program")
    private Path directory;

    @Option(names = "--env", paramLabel = "K=V", description = "set an environment variable (repeatable)")
    private Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "T", converter = DurationConverter.class,
            description = "stop the program after T (500ms, 5s, 2m, 1h, PT5S): SIGTERM to its process group,"
                    + " which it then leads, then SIGKILL 2 s later to what is left of it; exit 124."
                    + " A strategy that cannot make process groups (jdk) stops the program alone")
    private Duration timeout;

    @Parameters(arity = "1..*", paramLabel = "PROGRAM", description = "the program and its arguments")
    private List<String> argv;

    @Override
    public Integer call() {
        Command command;
        try {
            command = command();
        } catch (IllegalArgumentException e) {
            return error(SafespawnCli.USAGE_ERROR, e.getMessage());
        }
        Spawner spawner;
        try {
            spawner = strategy == null ? Spawner.create() : Spawner.of(strategy);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return error(SafespawnCli.USAGE_ERROR, e.getMessage());
        } catch (UncheckedIOException e) {
            // The library's message is its cause's: print it once, not "X: X".
            IOException cause = e.getCause();
            return error(CANNOT_START, cause.getMessage() == null ? cause.toString() : cause.getMessage());
        }
        try (spawner) {
            return run(spawner, inOwnGroup(command, spawner));
        }
    }

    private int run(Spawner spawner, Command command) {
        PrintWriter out = spec.commandLine().getOut();
        // The child writes straight to fds 1 and 2; anything the CLI buffered must come out first.
        out.flush();
        spec.commandLine().getErr().flush();
        boolean ownGroup = command.killScope() == Command.KillScope.GROUP;
        // A group of its own is out of the terminal's foreground group: Ctrl-C reaches only the CLI.
        try (ShutdownForwarder forwarder = ownGroup ? ShutdownForwarder.install() : ShutdownForwarder.none()) {
            ChildProcess child;
            try {
                child = spawner.spawn(command);
            } catch (SpawnException e) {
                boolean asked = e.stage() == SpawnException.Stage.FEATURE; // the request, not the program, is wrong
                return error(asked ? SafespawnCli.USAGE_ERROR : CANNOT_START, e.getMessage());
            } catch (IOException e) {
                return error(CANNOT_START, command.program() + ": " + e.getMessage());
            }
            // A group leader's group is ours to stop as a whole: that is how a shell script's own children go too.
            IntPredicate signaller = ownGroup ? child::signalGroup : child::signal;
            forwarder.forwardTo(child, signaller);
            return await(child);
        }
    }

    private int await(ChildProcess child) {
        try {
            if (timeout != null && !child.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                stop(child);
                return error(TIMED_OUT, argv.get(0) + ": timed out after " + DurationConverter.format(timeout));
            }
            child.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
            return error(1, "interrupted; " + argv.get(0) + " was killed");
        }
        ExitStatus status = child.exitStatus();
        if (status.lost()) {
            return error(END_NOT_OBSERVED, argv.get(0) + ": " + status);
        }
        return status.exitValue();
    }

    /**
     * Stops a program whose time is up: the library's SIGTERM, grace, SIGKILL,
     * to the program's kill scope: its group (SIGTERM to all of it, SIGKILL
     * to what is left), unless {@code --foreground} kept it in ours.
     */
    private static void stop(ChildProcess child) {
        try {
            child.terminate(GRACE);
        } catch (IOException e) {
            // The program has ended all the same; its streams are the CLI's own, inherited, not pipes.
        }
    }

    /**
     * {@code command} in a process group of its own, which the timeout ends
     * whole, when there is a timeout, no {@code --foreground} or
     * {@code --new-session} (which makes a group already), and a strategy
     * that can make groups: one that cannot ({@code jdk}) still runs with a
     * timeout, which then ends the program alone, as {@code --help} says.
     */
    private Command inOwnGroup(Command command, Spawner spawner) {
        if (timeout == null || foreground || newSession || !spawner.features().contains(Feature.PROCESS_GROUP)) {
            return command;
        }
        return command.toBuilder().processGroup(0).killScope(Command.KillScope.GROUP).build();
    }

    /** The command to run; standard streams not replaced by {@code --pass-fd} are the CLI's own. */
    private Command command() {
        Command.Builder b = Command.builder(argv.toArray(new String[0]));
        Set<Integer> replaced = new HashSet<>();
        for (FdMapping m : passFds) {
            b.passFd(m.parentFd(), m.childFd());
            replaced.add(m.childFd());
        }
        // Only where --pass-fd did not take the number: Command rejects a stream set both ways.
        if (!replaced.contains(0)) {
            b.stdin(Redirect.INHERIT);
        }
        if (!replaced.contains(1)) {
            b.stdout(Redirect.INHERIT);
        }
        if (!replaced.contains(2)) {
            b.stderr(Redirect.INHERIT);
        }
        if (foreground && newSession) {
            throw new IllegalArgumentException("--foreground and --new-session exclude each other:"
                    + " a new session is never the terminal's foreground");
        }
        if (newSession) {
            b.newSession().killScope(Command.KillScope.GROUP);
        }
        if (directory != null) {
            b.directory(directory);
        }
        env.forEach(b::env);
        return b.build();
    }

    private int error(int status, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": " + message);
        err.flush();
        return status;
    }
}
