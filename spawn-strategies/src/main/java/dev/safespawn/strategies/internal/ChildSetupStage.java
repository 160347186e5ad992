package dev.safespawn.strategies.internal;

import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.internal.Errno;

/**
 * The stages {@code child_setup.c} and {@code launch.c} report a failure at
 * ({@code SS_STAGE_*} in child_setup.h), turned into {@link SpawnException}s
 * that name the directory or program concerned. Shared by fork_exec and the
 * zygote, which run the same C code.
 */
public final class ChildSetupStage {
    public static final int PIPE = 1;
    public static final int FORK = 2;
    public static final int SIGNALS = 3;
    public static final int SETSID = 4;
    public static final int SETPGID = 5;
    public static final int DUP2 = 6;
    public static final int CLOSE = 7;
    public static final int RLIMIT = 8;
    public static final int PDEATHSIG = 9;
    public static final int CHDIR = 10;
    public static final int EXEC = 11;

    private ChildSetupStage() {
    }

    /** The exception for a failure at {@code stage} with {@code errno} while starting {@code command}. */
    public static SpawnException failure(int stage, int errno, Command command, String executable) {
        return switch (stage) {
            case PIPE -> new SpawnException(Stage.PIPE, errno, null);
            case SETSID -> new SpawnException(Stage.SETSID, errno, null);
            case SETPGID -> new SpawnException(Stage.SETPGID, errno, "group " + command.processGroup().orElse(0));
            case DUP2 -> new SpawnException(Stage.DUP2, errno, null);
            case RLIMIT -> new SpawnException(Stage.RLIMIT, errno, null);
            case CHDIR -> new SpawnException(Stage.CHDIR, errno, command.directory().map(Object::toString).orElse(null));
            case EXEC -> new SpawnException(Stage.EXEC, errno, executable);
            default -> new SpawnException(Stage.SPAWN, errno, null,
                    "child set-up stage " + stage + ": " + Errno.message(errno));
        };
    }
}
