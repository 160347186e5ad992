package dev.safespawn.strategies.internal;

import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.internal.Errno;

/**
 * A failure {@code child_setup.c} or {@code launch.c} reported as
 * {stage, errno}, turned into a {@link SpawnException} with the stage named
 * (through {@link ChildSetupAbi}) and the directory, group or program
 * concerned. Shared by fork_exec and the zygote, which run the same C code.
 */
public final class ChildSetupStage {
    private ChildSetupStage() {
    }

    /** The exception for a failure at {@code SS_STAGE_*} {@code stage} with {@code errno} while starting {@code command}. */
    public static SpawnException failure(int stage, int errno, Command command, String executable) {
        Stage named = ChildSetupAbi.stage(stage).orElse(null);
        if (named == null) { // only a shim or zygote of another ABI version could say this
            return new SpawnException(Stage.SPAWN, errno, null,
                    "the native launcher reported a failure at a stage this code does not know (" + stage + "): "
                            + Errno.message(errno));
        }
        return switch (named) {
            case SETPGID -> new SpawnException(named, errno, "group " + command.processGroup().orElse(0));
            case CHDIR -> new SpawnException(named, errno, command.directory().map(Object::toString).orElse(null));
            case EXEC -> new SpawnException(named, errno, executable);
            default -> new SpawnException(named, errno, null);
        };
    }
}
