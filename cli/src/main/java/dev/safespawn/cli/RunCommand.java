package dev.safespawn.cli;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Signal;
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
            "124:--timeout expired (SIGTERM, then SIGKILL 2 s later)",
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
            description = "start the program in a new session and process group; after --timeout"
                    + " has stopped it, what is left of its group is killed")
    private boolean newSession;

    @Option(names = "--dir", paramLabel = "D", description = "working directory of the program")
    private Path directory;

    @Option(names = "--env", paramLabel = "K=V", description = "set an environment variable (repeatable)")
    private Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "T", converter = DurationConverter.class,
            description = "stop the program after T (500ms, 5s, 2m, 1h, PT5S): SIGTERM, then SIGKILL 2 s later;"
                    + " exit 124")
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
            return run(spawner, command);
        }
    }

    private int run(Spawner spawner, Command command) {
        PrintWriter out = spec.commandLine().getOut();
        // The child writes straight to fds 1 and 2; anything the CLI buffered must come out first.
        out.flush();
        spec.commandLine().getErr().flush();
        try (ShutdownForwarder forwarder = newSession ? ShutdownForwarder.install() : ShutdownForwarder.none()) {
            ChildProcess child;
            try {
                child = spawner.spawn(command);
            } catch (SpawnException e) {
                boolean asked = e.stage() == SpawnException.Stage.FEATURE; // the request, not the program, is wrong
                return error(asked ? SafespawnCli.USAGE_ERROR : CANNOT_START, e.getMessage());
            } catch (IOException e) {
                return error(CANNOT_START, command.program() + ": " + e.getMessage());
            }
            // A session leader's group is ours to stop as a whole: that is how a shell script's own children go too.
            IntPredicate signaller = newSession ? child::signalGroup : child::signal;
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
     * Stops a program whose time is up: the library's SIGTERM, grace, SIGKILL.
     * A session leader's whole group is asked first, once, as GNU
     * {@code timeout} asks its group, so a shell script's background jobs get
     * their SIGTERM too; the leader's own termination then finds it ended, or
     * follows with SIGKILL at once; last, SIGKILL to what is left of the group,
     * which must not outlive the CLI.
     */
    private void stop(ChildProcess child) throws InterruptedException {
        Duration grace = GRACE;
        if (newSession) {
            child.signalGroup(Signal.TERM);
            child.waitFor(GRACE.toNanos(), TimeUnit.NANOSECONDS);
            grace = Duration.ZERO;
        }
        try {
            child.terminate(grace);
        } catch (IOException e) {
            // The program has ended all the same; its streams are the CLI's own, inherited, not pipes.
        }
        if (newSession) {
            child.signalGroup(Signal.KILL); // false only if no member is left
        }
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
        if (newSession) {
            b.newSession();
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
