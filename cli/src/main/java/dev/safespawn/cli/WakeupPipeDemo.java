package dev.safespawn.cli;

import com.sun.jna.LastErrorException;
import dev.safespawn.ExitStatus;
import dev.safespawn.OpenDescriptor;
import dev.safespawn.Spawner;
import dev.safespawn.Spawner.StrategyInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code safespawn demo wakeup-pipe}: the bug that started safespawn, live.
 *
 * <p>A library makes a "wake-up pipe" without {@code O_CLOEXEC} and a watcher
 * thread counts every byte on it as a wake-up, as GLib's main loop did. From
 * another thread, children are started that try to write to the pipe's write
 * end. Started by a bare {@code posix_spawn} they inherit it and every write
 * is a spurious wake-up; started by any safespawn strategy they do not have
 * it, and the watcher sleeps on. The descriptor audit that
 * {@code safespawn doctor --fds} prints shows the same before and after:
 * the CLI's own audit lists the pipe as inheritable, and one more child per
 * launcher, audited while it waits ({@link PipeAudit}), holds it or not.
 *
 * <p>Exits 0 when every safespawn strategy caused no wake-up and its children
 * all found the descriptor closed; 1 otherwise.
 */
@Command(name = "wakeup-pipe",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = {
            "The seed bug, live: children inheriting a wake-up pipe wake its watcher for nothing.",
            "",
            "Makes a pipe without O_CLOEXEC, watched by a thread that counts each byte as a",
            "wake-up. From another thread, starts children that try to write to it: first",
            "with a bare posix_spawn (what not to do), then through every available",
            "safespawn strategy. The descriptor audit of doctor --fds shows it too: before,",
            "this JVM's audit lists the pipe as inheritable; after, one more child per",
            "launcher, audited while it waits, holds it or not. Exits 0 when no safespawn",
            "strategy caused a wake-up or let its child hold the pipe."})
public final class WakeupPipeDemo implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private int children = 5;

    @Option(names = "--children", paramLabel = "K", defaultValue = "5",
            description = "children per launcher (default: ${DEFAULT-VALUE})")
    void children(int k) {
        if (k < 1 || k > 100) {
            throw new ParameterException(spec.commandLine(), "--children: " + k + " is not in 1..100");
        }
        children = k;
    }

    /**
     * One row of the result: what a launcher's children did to the watcher,
     * and the numbers under which the audited child held the pipe.
     */
    private record Round(DemoLauncher launcher, int wakeUps, List<ExitStatus> statuses, List<Integer> held,
                         String error) {
        boolean keptThePipe() {
            return error == null && wakeUps == 0 && statuses.stream().allMatch(WakeupChild::foundItClosed)
                    && held.isEmpty();
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<String> unusable = Libc.Availability.problem();
        if (unusable.isPresent()) {
            return error("needs glibc for the bare posix_spawn and the pipe: " + unusable.get());
        }
        try (LeakyPipe pipe = LeakyPipe.open()) {
            return run(out, pipe);
        } catch (LastErrorException e) {
            return error("pipe2: " + Libc.describe(e.getErrorCode()));
        } catch (IOException e) {
            return error(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("interrupted");
        } finally {
            out.flush();
        }
    }

    private int run(PrintWriter out, LeakyPipe pipe) throws IOException, InterruptedException {
        int fd = pipe.writeFd();
        out.println("safespawn demo wakeup-pipe: the seed bug, live");
        out.println();
        out.println("  wake-up pipe: read fd " + pipe.readFd() + ", write fd " + fd + ", made WITHOUT O_CLOEXEC");
        out.println("  watcher thread: blocks reading it; every byte is one wake-up (as GLib's main loop)");
        out.println("  children: " + children + " per launcher, started from a non-main thread, each running");
        out.println("            printf x > /proc/self/fd/" + fd);
        out.println("            and one more that waits to be audited as safespawn doctor --fds PID would");
        out.println();
        List<OpenDescriptor> ends = PipeAudit.ends(pipe);
        out.println("  before, the audit of this JVM: " + ends.stream()
                .map(d -> "fd " + d.number() + " " + d.kind() + " " + d.target() + " CLOEXEC "
                        + (d.closeOnExec() ? "yes" : "no")).collect(Collectors.joining(", ")));
        out.println("          inheritable, so a bare fork/exec would leak "
                + (ends.stream().allMatch(OpenDescriptor::inheritable) ? "both" : "only the ones without CLOEXEC"));
        out.println();
        String target = ends.get(0).target();
        List<Round> rounds = new ArrayList<>();
        try (WakeupWatcher watcher = WakeupWatcher.start(pipe)) {
            for (DemoLauncher launcher : launchers()) {
                rounds.add(round(launcher, fd, target, watcher));
            }
        }
        TextTable table = new TextTable("launcher", "wake-ups seen by the watcher", "what the child said",
                "pipe in the audited child").alignRight(1);
        for (Round r : rounds) {
            table.addRow(r.launcher().label(), String.valueOf(r.wakeUps()),
                    r.error() != null ? "error: " + r.error() : WakeupChild.summarize(r.statuses(), fd),
                    r.error() != null ? "" : r.held().isEmpty() ? "none"
                            : "fds " + r.held().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        table.print(out, "  ");
        out.println();
        return verdict(out, rounds);
    }

    /** The bare launch first, to show the bug; then every safespawn strategy that works here. */
    private static List<DemoLauncher> launchers() {
        List<DemoLauncher> all = new ArrayList<>();
        all.add(new BareLauncher());
        for (StrategyInfo s : Spawner.strategies()) {
            if (s.available()) {
                all.add(new SpawnerLauncher(s.name()));
            }
        }
        return all;
    }

    private Round round(DemoLauncher launcher, int fd, String pipeTarget, WakeupWatcher watcher)
            throws IOException, InterruptedException {
        List<ExitStatus> statuses = List.of();
        List<Integer> held = List.of();
        String error = null;
        try {
            statuses = onAnotherThread(() -> launcher.launchAndReap(WakeupChild.argv(fd), children));
            held = onAnotherThread(() -> PipeAudit.heldBy(launcher, pipeTarget));
        } catch (Exception e) {
            error = e.getMessage();
        }
        // Counted even after an error: children started before it may have written.
        return new Round(launcher, watcher.wakeUpsSinceLastCount(), statuses, held, error);
    }

    /**
     * Runs {@code task} on a fresh thread and waits for it: in the original bug
     * the spawning thread was not the one that owned the pipe, and a
     * multi-threaded process is where a descriptor's close-on-exec flag matters.
     */
    private static <T> T onAnotherThread(Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(task);
        new Thread(future, "demo-launcher").start();
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private int verdict(PrintWriter out, List<Round> rounds) {
        List<String> leaky = rounds.stream().filter(r -> r.launcher().isSafespawn() && !r.keptThePipe())
                .map(r -> r.launcher().label()).toList();
        Optional<Round> bare = rounds.stream().filter(r -> !r.launcher().isSafespawn()).findFirst();
        String bareSummary = bare.map(r -> r.error() != null ? "the bare launch failed"
                : "the bare launch woke the watcher " + times(r.wakeUps()) + " for nothing").orElse("");
        if (leaky.isEmpty()) {
            out.println("Result: " + bareSummary + "; every safespawn strategy, 0 times.");
            return CommandLine.ExitCode.OK;
        }
        out.println("Result: " + bareSummary + "; but " + String.join(", ", leaky)
                + " did not keep the pipe from its children.");
        return CommandLine.ExitCode.SOFTWARE;
    }

    private static String times(int n) {
        return n == 1 ? "once" : n + " times";
    }

    private int error(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": " + message);
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }
}
