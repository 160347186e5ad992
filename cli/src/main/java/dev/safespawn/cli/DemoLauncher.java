package dev.safespawn.cli;

import dev.safespawn.ExitStatus;
import java.io.IOException;
import java.util.List;

/** One way of starting the demo's children: a row of the table. */
interface DemoLauncher {

    /** The name shown in the table. */
    String label();

    /** Whether this is a safespawn strategy, which must keep the pipe from its children. */
    boolean isSafespawn();

    /**
     * Starts {@code count} copies of {@code argv}, then waits for all of them.
     * Children already started are reaped even when a later one fails to start.
     *
     * @return how each child ended, in start order
     * @throws IOException if a child could not be started
     */
    List<ExitStatus> launchAndReap(List<String> argv, int count) throws IOException, InterruptedException;

    /**
     * Starts one copy of {@code argv}, hands its pid to {@code visit} while it
     * runs, then waits for it. If {@code visit} fails the child is killed
     * (it is this launcher's own, not yet reaped, so the pid is still its) and
     * reaped before the failure is thrown.
     *
     * @return how the child ended
     * @throws IOException if the child could not be started, or from {@code visit}
     */
    ExitStatus launchVisitAndReap(List<String> argv, Visit visit) throws IOException, InterruptedException;

    /** What to do with a child while it runs. */
    @FunctionalInterface
    interface Visit {
        /** Called with the running child's pid. */
        void accept(long pid) throws IOException, InterruptedException;
    }
}
