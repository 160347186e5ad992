package dev.safespawn.strategies.forkexec;

import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.internal.ExecutableResolver;
import dev.safespawn.strategies.internal.ChildSetupAbi;
import dev.safespawn.strategies.internal.ChildSetupRequest;
import dev.safespawn.strategies.internal.DescriptorPlan;
import dev.safespawn.strategies.internal.HandlerDriver;
import dev.safespawn.strategies.internal.LibC;
import dev.safespawn.strategies.internal.NativeChildProcess;
import dev.safespawn.strategies.internal.NativeSupport;
import dev.safespawn.strategies.internal.PipedStrategy;
import dev.safespawn.strategies.internal.SafespawnShim;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fork, then exec, with the child's set-up done in C ({@code child_setup.c},
 * shared with the zygote): every pre-exec option, including those
 * {@code posix_spawn} cannot express (umask, resource limits, death with the
 * parent).
 *
 * <p>Mode: {@code vfork} (the default) clones with {@code CLONE_VM|CLONE_VFORK}
 * on a stack of its own, so nothing of the JVM's memory is copied and the cost
 * stays flat however large the heap. Its stacks are kept for later spawns (a
 * stack unmapped after a spawn costs every CPU running a JVM thread an
 * interrupt), and the child starts on the spawning thread's CPU, then takes
 * back that thread's CPU mask before anything else and restores the thread's
 * own ({@code launch.c} says why). {@code fork} copies the page tables and
 * grows with the heap, but is what tools like debuggers and sanitizers
 * understand best. Chosen with the system property {@value #MODE_PROPERTY}
 * when the spawner is created.
 */
public final class ForkExecStrategy implements PipedStrategy {
    /** System property: {@code vfork} (default) or {@code fork}. */
    public static final String MODE_PROPERTY = "safespawn.forkexec.mode";

    static final String NAME = "fork_exec";
    // Not TREE_KILL: the JVM cannot become a child subreaper (orphans of its
    // children would be re-parented to it and reaped by nobody), so it never sees them.
    private static final Set<Feature> FEATURES = EnumSet.complementOf(EnumSet.of(Feature.TREE_KILL));

    private final SafespawnShim.ForkExec shim;
    private final int mode;
    private final int closeMethod;
    private final int testFlags;

    /** Reads the mode; loads nothing. */
    public ForkExecStrategy() {
        this(SafespawnShim.ForkExec.PACKAGED,
                System.getProperty(MODE_PROPERTY, "vfork").trim().toLowerCase(Locale.ROOT).equals("fork")
                        ? ChildSetupAbi.SS_MODE_FORK : ChildSetupAbi.SS_MODE_CLONE_VFORK,
                ChildSetupAbi.SS_CLOSE_AUTO, 0);
    }

    /**
     * For tests only, which pass the shim's test build: what ships ignores a
     * close method other than {@code SS_CLOSE_AUTO} and the test flags (see
     * child_setup.h), so nothing outside this package may reach them.
     */
    ForkExecStrategy(SafespawnShim.ForkExec shim, int mode, int closeMethod, int testFlags) {
        this.shim = shim;
        this.mode = mode;
        this.closeMethod = closeMethod;
        this.testFlags = testFlags;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * In {@code vfork} mode above {@code posix_spawn}: its clone keeps its
     * stack and starts the child on the spawning thread's CPU, which glibc's
     * {@code posix_spawn} cannot, and measured cheaper from a JVM (a plain
     * spawn and wait, and a run and capture, in the same rounds; see
     * benchmarks/FINDINGS.md). In {@code fork} mode last but {@code jdk}: its
     * cost grows with the heap.
     */
    @Override
    public int priority() {
        return mode == ChildSetupAbi.SS_MODE_FORK ? 50 : 110;
    }

    @Override
    public boolean isAvailable() {
        return SafespawnShim.loadFailure().isEmpty();
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return SafespawnShim.loadFailure();
    }

    @Override
    public Set<Feature> features() {
        return FEATURES;
    }

    /** The machine's facts, then the mode and where the C shim was loaded from. */
    @Override
    public Map<String, String> diagnostics() {
        Map<String, String> facts = NativeSupport.diagnostics();
        facts.put("fork_exec.mode", mode());
        Optional<String> failure = SafespawnShim.loadFailure();
        facts.put("fork_exec.shim", failure.isPresent() ? "not loaded (" + failure.get() + ")"
                : SafespawnShim.loadedFrom().getPath());
        return facts;
    }

    /** {@code fork} or {@code vfork}. */
    public String mode() {
        return mode == ChildSetupAbi.SS_MODE_FORK ? "fork" : "vfork";
    }

    @Override
    public NativeChildProcess spawnPiped(Command command, HandlerDriver.StdioClaim claim) throws IOException {
        if (!isAvailable()) {
            throw new IllegalStateException(NAME + " is not available: " + unavailabilityCause().orElseThrow());
        }
        String executable = ExecutableResolver.resolve(command);
        try (DescriptorPlan plan = DescriptorPlan.prepare(command)) {
            ChildSetupRequest request = new ChildSetupRequest(command, executable, plan.childToParent(),
                    closeMethod, testFlags, LibC.getpid());
            int pid = command.killOnParentDeath()
                    ? ParentDeathThread.run(() -> request.launch(shim, mode))
                    : request.launch(shim, mode);
            if (claim != null) {
                claim.takeFrom(plan);
            }
            return NativeChildProcess.adopt(NAME, pid, command, plan);
        }
    }
}
