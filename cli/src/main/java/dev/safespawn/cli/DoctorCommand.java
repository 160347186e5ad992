package dev.safespawn.cli;

import com.sun.jna.LastErrorException;
import dev.safespawn.Spawner;
import dev.safespawn.Spawner.StrategyInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code safespawn doctor}: reports what this machine offers (platform, kernel
 * and libc features, which strategies work, which one {@link Spawner#create()}
 * prefers and where it routes a command needing each feature), all of it as
 * the strategies report it
 * through {@link Spawner#strategies()}, then proves the child contract live: while
 * holding a descriptor without {@code O_CLOEXEC}, it starts a child through
 * every available strategy and checks that the child holds only 0, 1 and 2.
 *
 * <p>Exits 0 when a strategy better than the {@code jdk} fallback is available
 * and every live proof passed; 1 otherwise. Failures are one line each on
 * stderr, never a stack trace.
 *
 * <p>With {@code --fds [PID]} it does none of that and audits one process's
 * descriptors instead ({@link FdAuditReport}), exiting 0, 1 or 2 as that says.
 */
@Command(name = "doctor",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = {
            "Show what this machine supports and prove the child contract live.",
            "",
            "Holding a pipe without O_CLOEXEC, starts a shell through each available",
            "strategy and checks that it inherits only fds 0, 1 and 2. Exits 0 when a",
            "native strategy is available and every check passed, 1 otherwise.",
            "",
            "With --fds, lists a process's open descriptors instead: each one's kind, whether",
            "it has CLOEXEC, and what it is (path, socket addresses), then which of them a",
            "bare fork/exec would leak into a child. Exits 0 when none would beyond 0, 1, 2;",
            "1 when some would; 2 when the process cannot be read (gone, another user's)."})
public final class DoctorCommand implements Callable<Integer> {
    private static final Set<Integer> STANDARD_FDS = Set.of(0, 1, 2);
    private static final String FALLBACK_STRATEGY = "jdk";
    /** Diagnostics named so are about this machine, not one strategy (see {@code SpawnStrategy.diagnostics()}). */
    private static final String KERNEL_PREFIX = "kernel.";
    private static final String LIBC_PREFIX = "libc.";
    private static final String LIBC_VERSION = "libc.version";

    @Spec
    private CommandSpec spec;

    /** What {@code --fds} without a pid means, as {@code /proc/self} does: the CLI's own JVM. */
    private static final String SELF = "self";
    /** The process {@code --fds} audits; null without {@code --fds}. */
    private Long fdsPid;

    @Option(names = "--fds", arity = "0..1", paramLabel = "PID", fallbackValue = SELF,
            description = "audit the open descriptors of process PID instead; without PID, "
                    + "or with 'self', those of the CLI's own JVM")
    void fds(String pid) {
        if (pid.equals(SELF)) {
            fdsPid = ProcessHandle.current().pid();
            return;
        }
        long parsed;
        try {
            parsed = Long.parseLong(pid);
        } catch (NumberFormatException e) {
            parsed = 0; // refused just below, with the same words as a negative number
        }
        if (parsed <= 0) {
            throw new ParameterException(spec.commandLine(), "--fds: '" + pid + "' is not a pid");
        }
        fdsPid = parsed;
    }

    private PrintWriter out;
    private PrintWriter err;
    private Marks marks;
    private final List<String> problems = new ArrayList<>();

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        out = cli.getOut();
        err = cli.getErr();
        if (fdsPid != null) {
            try {
                return FdAuditReport.run(fdsPid, spec.qualifiedName(), out, err);
            } finally {
                out.flush();
                err.flush();
            }
        }
        marks = Marks.forStdout();
        try {
            out.println("safespawn " + ManifestVersion.version() + " doctor");
            List<StrategyInfo> strategies = Spawner.strategies();
            Map<String, String> machine = machineFacts(strategies);
            printPlatform(machine);
            printNativeFeatures(machine);
            printStrategies(strategies);
            printRouting(strategies);
            proveContract(strategies);
            return verdict(strategies);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The facts about this machine ({@code kernel.*} and {@code libc.*}) as
     * the strategies report them, best strategy first; every strategy reads
     * them the same, so the first to name a fact is as good as any.
     */
    static Map<String, String> machineFacts(List<StrategyInfo> strategies) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (StrategyInfo s : strategies) {
            s.diagnostics().forEach((name, value) -> {
                if (isMachineFact(name)) {
                    facts.putIfAbsent(name, value);
                }
            });
        }
        return facts;
    }

    private static boolean isMachineFact(String name) {
        return name.startsWith(KERNEL_PREFIX) || name.startsWith(LIBC_PREFIX);
    }

    private void printPlatform(Map<String, String> machine) {
        heading("Platform");
        row("os", System.getProperty("os.name"));
        row("arch", System.getProperty("os.arch"));
        row("kernel", System.getProperty("os.version"));
        row("libc", machine.getOrDefault(LIBC_VERSION, "unknown (no strategy reports it)"));
        row("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        row("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    }

    /** The kernel's and libc's features, named as there: the prefix only says which of the two. */
    private void printNativeFeatures(Map<String, String> machine) {
        heading("Kernel and libc features");
        Map<String, String> features = new LinkedHashMap<>();
        machine.forEach((name, value) -> {
            if (!name.equals(LIBC_VERSION)) {
                features.put(name.substring(name.indexOf('.') + 1), value);
            }
        });
        if (features.isEmpty()) {
            out.println("  not detected: " + machine.getOrDefault(LIBC_VERSION, "no strategy reports them"));
            return;
        }
        int width = features.keySet().stream().mapToInt(String::length).max().orElse(0);
        features.forEach((name, value) -> out.println("  " + pad(name, width) + "  " + value));
    }

    private void printStrategies(List<StrategyInfo> strategies) {
        heading("Strategies (* = where Spawner.create() sends a plain command)");
        Optional<String> chosen = chosenStrategy();
        strategyLines(strategies, chosen).forEach(line -> out.println("  " + line));
        onlyTheFallback(System.getProperty("os.name"), strategies).ifPresent(note -> out.println("  " + note));
    }

    /**
     * One row per strategy (marked {@code *} when it is {@code chosen}):
     * name, status and features, then under it why it is unavailable, if it
     * is, and its own diagnostics.
     */
    static List<String> strategyLines(List<StrategyInfo> strategies, Optional<String> chosen) {
        List<String> lines = new ArrayList<>();
        int nameWidth = strategies.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        int statusWidth = strategies.stream().mapToInt(s -> status(s).length()).max().orElse(0);
        String indent = " ".repeat(2 + nameWidth + 2);
        for (StrategyInfo s : strategies) {
            String mark = chosen.filter(s.name()::equals).isPresent() ? "* " : "  ";
            String features = s.features().isEmpty() ? "none"
                    : s.features().stream().map(Enum::name).sorted().collect(Collectors.joining(", "));
            lines.add(mark + pad(s.name(), nameWidth) + "  " + pad(status(s), statusWidth) + "  features: " + features);
            // On a line of its own: a cause is a sentence, and would push every other row's features far right.
            s.unavailabilityCause().filter(cause -> !s.available()).ifPresent(cause -> lines.add(indent + "why: " + cause));
            s.diagnostics().forEach((name, value) -> {
                if (!isMachineFact(name)) {
                    lines.add(indent + name + ": " + value);
                }
            });
        }
        return lines;
    }

    /**
     * The line that says so when every command runs on the {@code jdk}
     * strategy: always off Linux, where no native strategy can run, and on a
     * Linux whose natives are all unavailable (each says why above).
     */
    static Optional<String> onlyTheFallback(String osName, List<StrategyInfo> strategies) {
        if (nativeAvailable(strategies)) {
            return Optional.empty();
        }
        String why = osName.startsWith("Linux") ? "no native strategy is available here (see why above)"
                : "every native strategy needs Linux, and this is " + osName;
        return Optional.of(why + ": every command runs on the " + FALLBACK_STRATEGY
                + " strategy (java.lang.ProcessBuilder), and one needing a feature it lacks fails");
    }

    /**
     * Asks {@link Spawner#create()} itself rather than re-implementing its rule,
     * so the answer honours {@value Spawner#STRATEGY_PROPERTY} exactly as
     * applications will see it.
     */
    private Optional<String> chosenStrategy() {
        String wanted = System.getProperty(Spawner.STRATEGY_PROPERTY);
        if (wanted != null && !wanted.isBlank()) {
            out.println("  " + Spawner.STRATEGY_PROPERTY + "=" + wanted.trim() + " is set");
        }
        try (Spawner spawner = Spawner.create()) {
            return Optional.of(spawner.strategyName());
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            out.println("  Spawner.create() would fail: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Where the spawner of {@link Spawner#create()} sends a command needing each feature; starts no fallback. */
    private void printRouting(List<StrategyInfo> strategies) {
        heading("Routing (where Spawner.create() sends a command that needs ...)");
        try (Spawner spawner = Spawner.create()) {
            if (spawner.isPinned()) {
                out.println("  pinned to " + spawner.strategyName() + " by " + Spawner.STRATEGY_PROPERTY
                        + ": a command needing a feature it lacks fails");
            }
            RoutingReport.lines(spawner, strategies).forEach(line -> out.println("  " + line));
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            out.println("  Spawner.create() would fail: " + e.getMessage());
        }
    }

    private void proveContract(List<StrategyInfo> strategies) {
        heading("Child contract (live)");
        try (LeakyPipe pipe = openLeakyPipe()) {
            int width = strategies.stream().mapToInt(s -> s.name().length()).max().orElse(0) + 1;
            for (StrategyInfo s : strategies) {
                String label = pad(s.name() + ":", width);
                if (!s.available()) {
                    out.println("  " + label + " skipped, unavailable");
                    continue;
                }
                prove(s.name(), label, pipe);
            }
        }
    }

    /** The leaky pipe, or null when libc cannot be reached; the proofs still run without it. */
    private LeakyPipe openLeakyPipe() {
        Optional<String> unusable = libcUnavailability();
        if (unusable.isPresent()) {
            out.println("  no leaky pipe to tempt the child with: " + unusable.get());
            return null;
        }
        try {
            LeakyPipe pipe = LeakyPipe.open();
            out.println("  the CLI holds a leaky pipe: fds " + pipe.readFd() + ", " + pipe.writeFd()
                    + " (no O_CLOEXEC)");
            return pipe;
        } catch (LastErrorException e) {
            // Not fatal: 0, 1, 2 only is still worth checking with whatever the JVM holds.
            out.println("  no leaky pipe to tempt the child with: pipe2 failed: " + Libc.describe(e.getErrorCode()));
            return null;
        }
    }

    private void prove(String strategy, String label, LeakyPipe pipe) {
        SortedSet<Integer> fds;
        try {
            fds = ChildFdProbe.run(strategy);
        } catch (IOException e) {
            out.println("  " + label + " " + marks.bad() + " could not run the probe (see stderr)");
            // The full reason goes to stderr; the summary only needs to say which check is missing.
            err.println(spec.qualifiedName() + ": " + strategy + ": " + e.getMessage());
            problems.add(strategy + " could not be checked");
            return;
        }
        out.println("  " + label + " " + judge(fds, pipe == null ? fd -> false : pipe::holds, marks));
        if (!fds.equals(STANDARD_FDS)) {
            problems.add(strategy + " broke the child contract");
        }
    }

    /**
     * The verdict on what one child held, such as {@code child holds fds 0 1 2
     * ✓ contract kept}. Anything but exactly 0, 1, 2 is a leak, including a
     * missing standard descriptor, because the contract promises all three.
     */
    static String judge(SortedSet<Integer> fds, IntPredicate isLeakyPipe, Marks marks) {
        String held = "child holds fds " + join(fds, " ") + "  ";
        if (fds.equals(STANDARD_FDS)) {
            return held + marks.good() + " contract kept";
        }
        SortedSet<Integer> extra = new TreeSet<>(fds);
        extra.removeAll(STANDARD_FDS);
        String why = extra.isEmpty() ? "expected exactly 0 1 2" : join(extra, " ") + " beyond 0 1 2";
        boolean pipeLeaked = extra.stream().anyMatch(isLeakyPipe::test);
        return held + marks.bad() + " LEAK: " + why + (pipeLeaked ? " (including the CLI's leaky pipe)" : "");
    }

    private static boolean nativeAvailable(List<StrategyInfo> strategies) {
        return strategies.stream().anyMatch(s -> s.available() && !s.name().equals(FALLBACK_STRATEGY));
    }

    private int verdict(List<StrategyInfo> strategies) {
        if (!nativeAvailable(strategies)) {
            problems.add("only the " + FALLBACK_STRATEGY + " fallback is available here");
        }
        out.println();
        if (problems.isEmpty()) {
            out.println("Result: healthy");
            return CommandLine.ExitCode.OK;
        }
        out.println("Result: " + String.join("; ", problems));
        return CommandLine.ExitCode.SOFTWARE;
    }

    private static Optional<String> libcUnavailability() {
        try {
            return Libc.Availability.problem();
        } catch (LinkageError e) { // JNA itself missing from the class path
            return Optional.of("cannot load JNA: " + e);
        }
    }

    private static String status(StrategyInfo s) {
        return s.available() ? "available" : s.unavailabilityCause().isPresent() ? "unavailable"
                : "unavailable (no reason given)";
    }

    private void heading(String title) {
        out.println();
        out.println(title);
    }

    private void row(String label, String value) {
        out.println("  " + pad(label, 8) + value);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String join(Set<Integer> fds, String separator) {
        return fds.stream().map(String::valueOf).collect(Collectors.joining(separator));
    }

    /**
     * ✓ and ✗ when stdout can show them, ASCII otherwise: in a C/POSIX locale
     * the JVM would turn them into '?'.
     */
    record Marks(String good, String bad) {
        /** The marks used when the output is known to be Unicode, as in tests. */
        static final Marks UNICODE = new Marks("\u2713", "\u2717");

        static Marks forStdout() {
            return Terminal.canShow("\u2713\u2717") ? UNICODE : new Marks("[ok]", "[!!]");
        }
    }
}
