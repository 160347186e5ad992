package dev.safespawn.strategies.zygote;

import dev.safespawn.Command;
import dev.safespawn.strategies.internal.DescriptorPlan;
import dev.safespawn.strategies.internal.PipedChildProcess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child of the zygote server. The server reaps it and reports its exit; a
 * signal is a request to the server, which sends it only to a child it has
 * not reaped, so a recycled pid is never hit. A group leader's group is
 * still reached after the server has reaped the leader, for members still
 * running: the server keeps such a group (see {@code left_groups.h}) and
 * signals it through a pidfd opened on the leader before the reap, which
 * reaches that group only, never a later one with the same number (Linux
 * 6.9 on; before, by number, as the native strategies do).
 *
 * <p>A child with {@link Command.KillScope#TREE} was started by a tree
 * keeper (see {@code tree_keeper.h}): a child subreaper between the server
 * and the child, whose descendants are exactly the child's tree, orphans and
 * daemons included. Signals for the child then go through the keeper, which
 * reaps it; the tree has ended when the server reports that the keeper has.
 */
final class ZygoteChildProcess extends PipedChildProcess {
    private final ZygoteClient client;
    private final int keeper; // 0 without one
    private final CompletableFuture<Void> treeEnd = new CompletableFuture<>();

    ZygoteChildProcess(ZygoteClient client, int pid, int keeper, Command command, DescriptorPlan.ParentEnds ends) {
        super("zygote", pid, command, ends);
        this.client = client;
        this.keeper = keeper;
        if (keeper == 0) {
            treeEnd.complete(null); // no tree is kept: only the child, whose end is its own
        }
    }

    /** The server reported that the keeper has exited: nothing of the tree is left. */
    void treeEnded() {
        treeEnd.complete(null);
    }

    /**
     * A platform thread waits by reading the server's replies itself until
     * its child's exit is among them (see {@link ZygoteClient#readUntil}):
     * it wakes straight from the socket instead of being woken by another
     * thread. A virtual thread parks until the loop records the exit.
     */
    @Override
    protected void awaitExit(long nanos) throws InterruptedException {
        long deadline = nanos < 0 ? Long.MAX_VALUE : System.nanoTime() + nanos;
        if (!client.readUntil(() -> !isAlive(), deadline, true)) {
            super.awaitExit(nanos);
        }
    }

    // Not under the exit lock: the reply comes through whoever reads the
    // replies, which takes that lock to record exits.
    @Override
    public boolean signal(int signal) {
        return isAlive() && client.signal((int) pid(), keeper, signal, ZygoteProtocol.SSZ_SCOPE_PROCESS);
    }

    @Override
    public boolean signalGroup(int signal) {
        requireGroupLeader();
        return client.signal((int) pid(), keeper, signal, ZygoteProtocol.SSZ_SCOPE_GROUP);
    }

    @Override
    protected boolean signalTree(int signal) {
        requireTree();
        return !treeEnd.isDone() && client.signal((int) pid(), keeper, signal, ZygoteProtocol.SSZ_SCOPE_TREE);
    }

    @Override
    protected boolean awaitTreeEnd(long nanos) throws InterruptedException {
        requireTree();
        if (treeEnd.isDone()) {
            return true;
        }
        try {
            if (nanos == Long.MAX_VALUE) {
                treeEnd.get();
            } else {
                treeEnd.get(nanos, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // never completed exceptionally
        }
    }

    private void requireTree() {
        if (keeper == 0) {
            throw new UnsupportedOperationException("process " + pid() + " was not started with kill scope TREE");
        }
    }
}
