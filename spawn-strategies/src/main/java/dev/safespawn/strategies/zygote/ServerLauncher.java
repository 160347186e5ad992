package dev.safespawn.strategies.zygote;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.strategies.internal.ChildSetupAbi;
import dev.safespawn.strategies.internal.ChildSetupRequest;
import dev.safespawn.strategies.internal.DescriptorPlan;
import dev.safespawn.strategies.internal.LibC;
import dev.safespawn.strategies.internal.NativeBuilds;
import dev.safespawn.strategies.internal.NativeChildProcess;
import dev.safespawn.strategies.internal.SafespawnShim;
import java.io.IOException;
import java.util.Optional;

/**
 * Starts the zygote server through the shim this jar ships, with the same C
 * child set-up the server gives its own children: the server holds nothing
 * of the JVM but its socket. It goes to the shim's entry point directly
 * rather than through another strategy, so the zygote depends on no sibling.
 * The server is executed from the descriptor {@link ZygoteBinary} checked
 * ({@code SS_EXEC_FD}), not from its path, and never holds that descriptor.
 */
final class ServerLauncher {
    private ServerLauncher() {
    }

    /** The server's command line so far: the checked file, or the emulator that runs it. */
    static Command.Builder commandFor(ZygoteBinary.Opened executable) {
        String emulator = emulator();
        String server = executable.path().toString();
        return emulator.isEmpty() ? Command.builder(server) : Command.builder(emulator, server);
    }

    private static String emulator() {
        return System.getProperty(NativeBuilds.ZYGOTE_EMULATOR_PROPERTY, "");
    }

    /** Why the server cannot be started here, or empty if it can. */
    static Optional<String> unavailability() {
        return SafespawnShim.loadFailure().map(why -> "nothing can start the server: " + why);
    }

    /** Starts {@code command}, whose program names {@code executable}, by executing {@code executable}'s descriptor. */
    static ChildProcess start(Command command, ZygoteBinary.Opened executable) throws IOException {
        try (DescriptorPlan plan = DescriptorPlan.prepare(command)) {
            String emulator = emulator();
            ChildSetupRequest request = new ChildSetupRequest(command,
                    emulator.isEmpty() ? executable.path().toString() : emulator,
                    plan.childToParent(), ChildSetupAbi.SS_CLOSE_AUTO, 0, LibC.getpid());
            if (emulator.isEmpty()) {
                request.executing(executable.fd());
            }
            int pid = request.launch(SafespawnShim.ForkExec.PACKAGED, ChildSetupAbi.SS_MODE_CLONE_VFORK);
            return NativeChildProcess.adopt(ZygoteStrategy.NAME + " server", pid, command, plan);
        }
    }
}
