package dev.safespawn.nuprocess;

import dev.safespawn.Spawner;

/**
 * The spawner of every {@link SafeNuProcessBuilder} not given one: made by
 * {@link Spawner#create()} on first use and kept for the life of the JVM, as
 * NuProcess keeps its event threads. Its children outlive nothing by this:
 * closing a spawner never ends its children anyway.
 */
final class SharedSpawner {
    private SharedSpawner() {
    }

    /** The holder idiom: made once, by the first thread that needs it, without a lock of ours. */
    private static final class Holder {
        static final Spawner SPAWNER;
        static final RuntimeException FAILURE;

        static {
            Spawner made = null;
            RuntimeException failure = null;
            try {
                made = Spawner.create();
            } catch (RuntimeException e) {
                failure = e;
            }
            SPAWNER = made;
            FAILURE = failure;
        }
    }

    /**
     * The shared spawner.
     *
     * @throws IllegalStateException if none could be made here, with the reason
     */
    static Spawner get() {
        if (Holder.FAILURE != null) {
            throw new IllegalStateException("no safespawn spawner: " + Holder.FAILURE.getMessage(), Holder.FAILURE);
        }
        return Holder.SPAWNER;
    }
}
