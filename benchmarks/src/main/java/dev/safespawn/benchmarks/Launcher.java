package dev.safespawn.benchmarks;

/**
 * One way of starting child processes, as a benchmark sees it. Each
 * implementation uses its library the way its documentation suggests, gives the
 * child pipes on all three standard streams (every library's default), and
 * closes every stream of every child it starts: the benchmarks run millions of
 * children, and a leaked descriptor per child would end the run.
 *
 * <p>Not thread-safe unless an implementation says so; {@link #start} may be
 * called many times before any child is waited for.
 */
interface Launcher extends AutoCloseable {

    /** Starts {@code argv}, closes its stdin, waits for it, and returns its exit code. */
    int run(String... argv) throws Exception;

    /** Starts {@code argv} and returns at once; the child keeps its stdin open until told. */
    Running start(String... argv) throws Exception;

    /** Starts {@code argv}, reads its stdout to the end, waits, and returns how many bytes it read. */
    long drainStdout(String... argv) throws Exception;

    /** Releases the launcher's own resources (spawners, servers); children already reaped. */
    @Override
    void close();

    /** A child started by {@link #start}. */
    interface Running {
        /** Closes the child's stdin, so a child reading it sees end of file. */
        void closeStdin() throws Exception;

        /** Waits for the child, closes its remaining streams, returns its exit code. */
        int waitFor() throws Exception;
    }
}
