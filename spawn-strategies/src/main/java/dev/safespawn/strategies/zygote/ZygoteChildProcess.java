package dev.safespawn.strategies.zygote;

import dev.safespawn.Command;
import dev.safespawn.strategies.internal.DescriptorPlan;
import dev.safespawn.strategies.internal.PipedChildProcess;

/**
 * A child of the zygote server. The server reaps it and reports its exit; a
 * signal is a request to the server, which sends it only to a child it has
 * not reaped, so a recycled pid is never hit. Once the leader has been
 * reaped the server no longer knows its group, so {@link #signalGroup} then
 * returns false.
 */
final class ZygoteChildProcess extends PipedChildProcess {
    private final ZygoteClient client;

    ZygoteChildProcess(ZygoteClient client, int pid, Command command, DescriptorPlan.ParentEnds ends) {
        super("zygote", pid, command, ends);
        this.client = client;
    }

    // Not under the exit lock: the reply comes through the reader thread, which
    // takes that lock to record exits.
    @Override
    public boolean signal(int signal) {
        return isAlive() && client.signal((int) pid(), signal, false);
    }

    @Override
    public boolean signalGroup(int signal) {
        requireGroupLeader();
        return client.signal((int) pid(), signal, true);
    }
}
