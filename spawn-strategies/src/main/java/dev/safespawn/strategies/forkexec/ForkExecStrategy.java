package dev.safespawn.strategies.forkexec;

import com.sun.jna.ptr.IntByReference;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.SpawnException;
import dev.safespawn.internal.ExecutableResolver;
import dev.safespawn.spi.SpawnStrategy;
import dev.safespawn.strategies.internal.ChildSetupStage;
import dev.safespawn.strategies.internal.DescriptorPlan;
import dev.safespawn.strategies.internal.LibC;
import dev.safespawn.strategies.internal.NativeChildProcess;
import dev.safespawn.strategies.internal.NativeSupport;
import dev.safespawn.strategies.internal.SafespawnShim;
import java.io.IOException;
import java.lang.ref.Reference;
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
 * stays flat however large the heap; {@code fork} copies the page tables and
 * grows with the heap, but is what tools like debuggers and sanitizers
 * understand best. Chosen with the system property {@value #MODE_PROPERTY}
 * when the spawner is created.
 */
public final class ForkExecStrategy implements SpawnStrategy {
    /** System property: {@code vfork} (default) or {@code fork}. */
    public static final String MODE_PROPERTY = "safespawn.forkexec.mode";
    /** Test switch: {@code auto} (default), {@code close_range}, {@code proc} or {@code brute}. */
    public static final String CLOSE_METHOD_PROPERTY = "safespawn.internal.closeMethod";
    /** Test switch: make the child lead a process group before setsid, so setsid fails. */
    public static final String LEAD_GROUP_FIRST_PROPERTY = "safespawn.internal.leadGroupBeforeSetsid";

    static final String NAME = "fork_exec";
    private static final Set<Feature> FEATURES = EnumSet.allOf(Feature.class);

    private final int mode;
    private final int closeMethod;
    private final int testFlags;

    /** Reads the mode and the test switches; loads nothing. */
    public ForkExecStrategy() {
        String m = System.getProperty(MODE_PROPERTY, "vfork").trim().toLowerCase(Locale.ROOT);
        this.mode = m.equals("fork") ? SafespawnShim.SS_MODE_FORK : SafespawnShim.SS_MODE_CLONE_VFORK;
        this.closeMethod = switch (System.getProperty(CLOSE_METHOD_PROPERTY, "auto")) {
            case "close_range" -> 1;
            case "proc" -> 2;
            case "brute" -> 3;
            default -> 0;
        };
        this.testFlags = Boolean.getBoolean(LEAD_GROUP_FIRST_PROPERTY) ? SafespawnShim.SS_TEST_LEAD_GROUP_FIRST : 0;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 50;
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
        return mode == SafespawnShim.SS_MODE_FORK ? "fork" : "vfork";
    }

    @Override
    public ChildProcess spawn(Command command) throws IOException {
        if (!isAvailable()) {
            throw new IllegalStateException(NAME + " is not available: " + unavailabilityCause().orElseThrow());
        }
        String executable = ExecutableResolver.resolve(command);
        try (DescriptorPlan plan = DescriptorPlan.prepare(command)) {
            ForkExecRequest request = new ForkExecRequest(command, executable, plan.childToParent(),
                    closeMethod, testFlags, LibC.getpid());
            int pid = command.killOnParentDeath()
                    ? ParentDeathThread.run(() -> launch(request, command, executable))
                    : launch(request, command, executable);
            return NativeChildProcess.adopt(NAME, pid, command, plan);
        }
    }

    private int launch(ForkExecRequest request, Command command, String executable) throws SpawnException {
        IntByReference pid = new IntByReference();
        IntByReference stage = new IntByReference();
        int rc;
        try {
            rc = SafespawnShim.safespawn_fork_exec(request.getPointer(), mode, pid, stage);
        } finally {
            // Only the address reaches C: without this the request, and the native
            // memory it owns, may be collected and freed while the child reads it.
            Reference.reachabilityFence(request);
        }
        if (rc != 0) {
            throw ChildSetupStage.failure(stage.getValue(), -rc, command, executable);
        }
        return pid.getValue();
    }

}
