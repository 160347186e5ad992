package dev.safespawn.strategies.internal;

import dev.safespawn.Command;
import dev.safespawn.SpawnException.Stage;
import java.util.Map;
import java.util.Optional;

/**
 * The Java mirror of {@code child_setup.h}: every {@code #define} of that
 * header, under its own name, and nothing else. The header is the one home of
 * these numbers; {@code ChildSetupHeaderTest} reads it and fails when this
 * class disagrees. The layout of {@code struct ss_request} is mirrored by
 * {@link ChildSetupRequest}.
 */
public final class ChildSetupAbi {
    // child_setup.h: the version the shim and the zygote's HELLO report
    public static final int SS_ABI_VERSION = 3;

    // child_setup.h: request flags
    public static final int SS_NEW_SESSION = 0x01;
    public static final int SS_SET_PGID = 0x02;
    public static final int SS_SET_UMASK = 0x04;
    public static final int SS_KILL_ON_PARENT_DEATH = 0x08;
    /** child_setup.h: execute the open file {@code exec_fd}, not the path. */
    public static final int SS_EXEC_FD = 0x10;
    /** child_setup.h: acted on by the shim's test build only. */
    public static final int SS_TEST_LEAD_GROUP_FIRST = 0x100;

    // child_setup.h: close methods; what ships always uses AUTO
    public static final int SS_CLOSE_AUTO = 0;
    public static final int SS_CLOSE_RANGE = 1;
    public static final int SS_CLOSE_PROC_SCAN = 2;
    public static final int SS_CLOSE_BRUTE_FORCE = 3;

    // child_setup.h: resource numbers (Linux's RLIMIT_*)
    public static final int SS_RLIMIT_CPU = 0;
    public static final int SS_RLIMIT_FSIZE = 1;
    public static final int SS_RLIMIT_CORE = 4;
    public static final int SS_RLIMIT_NPROC = 6;
    public static final int SS_RLIMIT_NOFILE = 7;
    public static final int SS_RLIMIT_AS = 9;
    public static final int SS_RLIMIT_COUNT = 16;

    // child_setup.h: stages a failure is reported at
    public static final int SS_STAGE_PIPE = 1;
    public static final int SS_STAGE_FORK = 2;
    public static final int SS_STAGE_SIGNALS = 3;
    public static final int SS_STAGE_SETSID = 4;
    public static final int SS_STAGE_SETPGID = 5;
    public static final int SS_STAGE_DUP2 = 6;
    public static final int SS_STAGE_CLOSE = 7;
    public static final int SS_STAGE_RLIMIT = 8;
    public static final int SS_STAGE_PDEATHSIG = 9;
    public static final int SS_STAGE_CHDIR = 10;
    public static final int SS_STAGE_EXEC = 11;

    // child_setup.h: launch modes
    public static final int SS_MODE_FORK = 0;
    public static final int SS_MODE_CLONE_VFORK = 1;

    private static final Map<Integer, Stage> STAGES = Map.ofEntries(
            Map.entry(SS_STAGE_PIPE, Stage.PIPE),
            Map.entry(SS_STAGE_FORK, Stage.SPAWN),
            Map.entry(SS_STAGE_SIGNALS, Stage.SIGNALS),
            Map.entry(SS_STAGE_SETSID, Stage.SETSID),
            Map.entry(SS_STAGE_SETPGID, Stage.SETPGID),
            Map.entry(SS_STAGE_DUP2, Stage.DUP2),
            Map.entry(SS_STAGE_CLOSE, Stage.CLOSE),
            Map.entry(SS_STAGE_RLIMIT, Stage.RLIMIT),
            Map.entry(SS_STAGE_PDEATHSIG, Stage.PARENT_DEATH_SIGNAL),
            Map.entry(SS_STAGE_CHDIR, Stage.CHDIR),
            Map.entry(SS_STAGE_EXEC, Stage.EXEC));

    private static final Map<Command.Limit, Integer> RESOURCES = Map.of(
            Command.Limit.CPU, SS_RLIMIT_CPU, Command.Limit.FSIZE, SS_RLIMIT_FSIZE,
            Command.Limit.CORE, SS_RLIMIT_CORE, Command.Limit.NPROC, SS_RLIMIT_NPROC,
            Command.Limit.NOFILE, SS_RLIMIT_NOFILE, Command.Limit.AS, SS_RLIMIT_AS);

    private ChildSetupAbi() {
    }

    /** The named stage of an {@code SS_STAGE_*} number; empty for a number the header does not define. */
    public static Optional<Stage> stage(int ssStage) {
        return Optional.ofNullable(STAGES.get(ssStage));
    }

    /** The {@code SS_RLIMIT_*} number of a limit. */
    public static int resource(Command.Limit limit) {
        return RESOURCES.get(limit);
    }

    /** The request flags a command asks for ({@code SS_NEW_SESSION}, ...). */
    public static int flags(Command command) {
        return (command.newSession() ? SS_NEW_SESSION : 0)
                | (command.processGroup().isPresent() ? SS_SET_PGID : 0)
                | (command.umask().isPresent() ? SS_SET_UMASK : 0)
                | (command.killOnParentDeath() ? SS_KILL_ON_PARENT_DEATH : 0);
    }
}
