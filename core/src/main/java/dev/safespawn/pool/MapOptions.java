package dev.safespawn.pool;

/**
 * How {@link ProcessPool#map(Iterable, SerializableFunction, MapOptions)} and
 * {@link ProcessPool#imap(Iterable, SerializableFunction, MapOptions)} hand
 * elements to workers: in order or as they finish, how many elements go in
 * one task, and how many tasks may be submitted ahead of the consumer.
 *
 * <pre>{@code
 * MapOptions.unordered().chunkSize(1_000).prefetch(8)
 * }</pre>
 *
 * <p>Immutable and thread-safe: each setter returns a new instance. No
 * method takes or returns null.
 */
public final class MapOptions {
    /** Prefetch left to the pool: twice its workers, so each worker has a task queued behind the one it runs. */
    private static final int POOL_DEFAULT = 0;

    private final boolean ordered;
    private final int chunkSize;
    private final int prefetch;

    private MapOptions(boolean ordered, int chunkSize, int prefetch) {
        this.ordered = ordered;
        this.chunkSize = chunkSize;
        this.prefetch = prefetch;
    }

    /**
     * Results in the order of their elements (Python's {@code imap}), one
     * element per task, twice as many tasks ahead as the pool has workers.
     * The default.
     *
     * @return the ordered options
     */
    public static MapOptions ordered() {
        return new MapOptions(true, 1, POOL_DEFAULT);
    }

    /**
     * Results as their tasks finish (Python's {@code imap_unordered}), one
     * element per task, twice as many tasks ahead as the pool has workers.
     *
     * @return the unordered options
     */
    public static MapOptions unordered() {
        return new MapOptions(false, 1, POOL_DEFAULT);
    }

    /**
     * Sends {@code size} consecutive elements in one task (the last task may
     * have fewer): fewer round trips for cheap functions, at the price of
     * holding a whole chunk's results until the chunk is done.
     *
     * @param size elements per task, at least 1; default 1
     * @return options with that chunk size
     * @throws IllegalArgumentException if {@code size} is less than 1
     */
    public MapOptions chunkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunkSize: " + size + " is less than 1");
        }
        return new MapOptions(ordered, size, prefetch);
    }

    /**
     * The most tasks submitted whose results the consumer has not all taken:
     * queued, running, or finished and waiting to be consumed. So at most
     * {@code tasks × chunkSize} elements are read from the input ahead of the
     * consumer, whatever the input's length.
     *
     * @param tasks the bound, at least 1; default twice the pool's workers
     * @return options with that bound
     * @throws IllegalArgumentException if {@code tasks} is less than 1
     */
    public MapOptions prefetch(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("prefetch: " + tasks + " is less than 1");
        }
        return new MapOptions(ordered, chunkSize, tasks);
    }

    boolean isOrdered() {
        return ordered;
    }

    int chunkSize() {
        return chunkSize;
    }

    /** The prefetch bound in tasks, the pool's default if none was set. */
    int prefetchOr(int workers) {
        return prefetch != POOL_DEFAULT ? prefetch : Math.max(1, 2 * workers);
    }

    @Override
    public String toString() {
        return (ordered ? "ordered" : "unordered") + ", chunkSize " + chunkSize + ", prefetch "
                + (prefetch == POOL_DEFAULT ? "2 × workers" : String.valueOf(prefetch));
    }
}
