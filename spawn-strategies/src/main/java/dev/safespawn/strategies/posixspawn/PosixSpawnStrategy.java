package dev.safespawn.strategies.posixspawn;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.SpawnException;
import dev.safespawn.internal.ExecutableResolver;
import dev.safespawn.strategies.internal.DescriptorPlan;
import dev.safespawn.strategies.internal.EncodedStrings;
import dev.safespawn.strategies.internal.HandlerDriver;
import dev.safespawn.strategies.internal.LibC;
import dev.safespawn.strategies.internal.LibCSpawnExtensions;
import dev.safespawn.strategies.internal.NativeChildProcess;
import dev.safespawn.strategies.internal.NativeSupport;
import dev.safespawn.strategies.internal.PipedStrategy;
import java.io.IOException;
import java.lang.ref.Reference;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Starts children with glibc's {@code posix_spawn}, which clones with
 * {@code CLONE_VM|CLONE_VFORK}: no Java and no copy of the parent's memory
 * in the child, so its cost does not grow with the heap.
 *
 * <p>The child contract is kept with file actions and attributes: the
 * descriptor plan's {@code dup2} steps place stdio and passed descriptors,
 * {@code addclose} empties the gaps between them and
 * {@code addclosefrom_np} closes everything above; {@code addchdir_np} sets the
 * directory; {@code POSIX_SPAWN_SETSIGMASK} (empty set) and
 * {@code POSIX_SPAWN_SETSIGDEF} (every signal) clean the signal state;
 * {@code POSIX_SPAWN_SETSID} / {@code SETPGROUP} make sessions and groups.
 * A libc without {@code addclosefrom_np} (glibc before 2.34, musl) or
 * {@code addchdir_np} makes the strategy unavailable rather than leaky.
 */
public final class PosixSpawnStrategy implements PipedStrategy {
    static final String NAME = "posix_spawn";
    private static final Set<Feature> FEATURES = EnumSet.of(
            Feature.PASS_FD, Feature.NEW_SESSION, Feature.PROCESS_GROUP, Feature.SIGNALS, Feature.SIGNAL_RESET,
            Feature.ASYNC_CLOSE, Feature.ASYNC_IO, Feature.PIPELINE, Feature.STREAMS_OUTLIVE_CHILD);
    // Offsets in launch()'s block; every size is a multiple of 8.
    private static final long EMPTY_SET_OFFSET = LibC.FILE_ACTIONS_T_SIZE;
    private static final long ALL_SIGNALS_OFFSET = EMPTY_SET_OFFSET + LibC.SIGSET_T_SIZE;
    private static final long ATTR_OFFSET = ALL_SIGNALS_OFFSET + LibC.SIGSET_T_SIZE;
    private static final List<String> REQUIRED_SYMBOLS = List.of(
            "posix_spawn_file_actions_addclosefrom_np", "posix_spawn_file_actions_addchdir_np");

    private static final class Availability {
        static final String CAUSE = check();

        private static String check() {
            Optional<String> libc = NativeSupport.libcUnavailability();
            if (libc.isPresent()) {
                return libc.get();
            }
            for (String symbol : REQUIRED_SYMBOLS) {
                if (!NativeSupport.hasSymbol(symbol)) {
                    return "the C library lacks " + symbol + " (" + NativeSupport.whyMissing(symbol) + ")";
                }
            }
            return null;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public boolean isAvailable() {
        return Availability.CAUSE == null;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.ofNullable(Availability.CAUSE);
    }

    @Override
    public Set<Feature> features() {
        return FEATURES;
    }

    /** The machine's facts: glibc's version, and the kernel and libc features this strategy and its reaper use. */
    @Override
    public Map<String, String> diagnostics() {
        return NativeSupport.diagnostics();
    }

    @Override
    public NativeChildProcess spawnPiped(Command command, HandlerDriver.StdioClaim claim) throws IOException {
        if (!isAvailable()) {
            throw new IllegalStateException(NAME + " is not available: " + Availability.CAUSE);
        }
        String executable = ExecutableResolver.resolve(command);
        try (DescriptorPlan plan = DescriptorPlan.prepare(command)) {
            int pid = launch(command, executable, plan);
            if (claim != null) {
                claim.takeFrom(plan);
            }
            return NativeChildProcess.adopt(NAME, pid, command, plan);
        }
    }

    private static int launch(Command command, String executable, DescriptorPlan plan) throws SpawnException {
        // One block for the four small structures: each JNA allocation has a cost of its own.
        try (Memory block = new Memory(ATTR_OFFSET + LibC.SPAWNATTR_T_SIZE)) {
            Pointer actions = block.share(0, LibC.FILE_ACTIONS_T_SIZE);
            Pointer emptySet = block.share(EMPTY_SET_OFFSET, LibC.SIGSET_T_SIZE);
            Pointer allSignals = block.share(ALL_SIGNALS_OFFSET, LibC.SIGSET_T_SIZE);
            Pointer attr = block.share(ATTR_OFFSET, LibC.SPAWNATTR_T_SIZE);
            check(LibC.posix_spawn_file_actions_init(actions));
            check(LibC.posix_spawnattr_init(attr));
            try {
                addFileActions(actions, command, plan);
                LibC.sigemptyset(emptySet);
                LibC.sigfillset(allSignals);
                includeLibcInternalSignals(allSignals);
                short flags = LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF;
                if (command.newSession()) {
                    flags |= LibC.POSIX_SPAWN_SETSID;
                }
                if (command.processGroup().isPresent()) {
                    flags |= LibC.POSIX_SPAWN_SETPGROUP;
                    check(LibC.posix_spawnattr_setpgroup(attr, command.processGroup().getAsInt()));
                }
                check(LibC.posix_spawnattr_setflags(attr, flags));
                check(LibC.posix_spawnattr_setsigmask(attr, emptySet));
                check(LibC.posix_spawnattr_setsigdefault(attr, allSignals));

                IntByReference pid = new IntByReference();
                Pointer argv = EncodedStrings.of(command.argv()).toNative();
                Pointer envp = EncodedStrings.environment(command.environment()).toNative();
                int rc;
                try {
                    rc = LibC.posix_spawn(pid, executable, actions, attr, argv, envp);
                } finally {
                    // JNA passes only addresses: keep the arrays' native memory alive for the call.
                    Reference.reachabilityFence(argv);
                    Reference.reachabilityFence(envp);
                }
                if (rc != 0) {
                    throw SpawnFailure.diagnose(rc, command, executable);
                }
                return pid.getValue();
            } finally {
                LibC.posix_spawn_file_actions_destroy(actions);
                LibC.posix_spawnattr_destroy(attr);
            }
        }
    }

    /**
     * glibc's spawn child sets its two internal signals (32 SIGCANCEL, 33
     * SIGSETXID) to SIG_IGN when the parent handles them, and an ignored signal
     * stays ignored across exec; {@code sigfillset} and {@code sigaddset} leave
     * them out, so their bits are set directly (bit n-1 of the first word) to
     * have the child reset them to SIG_DFL too. Safe: the child runs them with
     * every signal blocked until just before exec, and nobody targets its new pid.
     */
    private static void includeLibcInternalSignals(Pointer set) {
        set.setLong(0, set.getLong(0) | (1L << 31) | (1L << 32));
    }

    private static void addFileActions(Pointer actions, Command command, DescriptorPlan plan) throws SpawnException {
        for (int[] step : plan.dupSteps()) {
            check(LibC.posix_spawn_file_actions_adddup2(actions, step[0], step[1]));
        }
        for (int gap : plan.gapsToClose()) {
            check(LibC.posix_spawn_file_actions_addclose(actions, gap));
        }
        OptionalInt closeFrom = plan.closeFromWithinLimit();
        if (closeFrom.isPresent()) {
            check(LibCSpawnExtensions.posix_spawn_file_actions_addclosefrom_np(actions, closeFrom.getAsInt()));
        }
        if (command.directory().isPresent()) {
            check(LibCSpawnExtensions.posix_spawn_file_actions_addchdir_np(
                    actions, command.directory().get().toString()));
        }
    }

    /** A setup call of the posix_spawn family failed (bad descriptor number, out of memory). */
    private static void check(int rc) throws SpawnException {
        if (rc != 0) {
            throw new SpawnException(Stage.SPAWN, rc, null, "preparing posix_spawn: "
                    + dev.safespawn.internal.Errno.message(rc));
        }
    }
}
