package dev.safespawn.pool;

import dev.safespawn.Spawner;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link Subprocess}'s process-wide state: one spawner for the calls that
 * name none, started on first use and kept, so a call does not pay for a
 * strategy's start; and the standby workers of the settings that ask for
 * them ({@link ProcessPool.Builder#standby(int)}), kept per setting, for the
 * few settings used last.
 *
 * <p>Thread-safe; a lock, not {@code synchronized}, guards it, so a virtual
 * thread waiting for it parks.
 */
final class Launcher {
    /**
     * How many settings keep standby workers at once. A program has one or
     * two; settings that differ on every call (an initializer made anew each
     * time) must not pile up idle JVMs, so the least recently used are retired.
     */
    static final int SETTINGS_KEPT = 4;

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static Spawner shared; // guarded by LOCK
    private static final Map<Key, Standby> STANDBYS = new LinkedHashMap<>(8, 0.75f, true); // guarded by LOCK, LRU order

    /** The settings a standby worker was started with: its pool settings and its spawner. */
    private record Key(PoolConfig config, Spawner spawner) {
    }

    private Launcher() {
    }

    /**
     * The spawner for calls that name none: {@link Spawner#create()}, made
     * once and never closed (its threads are daemons, and the processes it
     * serves end with this JVM).
     *
     * @throws IllegalStateException if no spawn strategy is available
     */
    static Spawner sharedSpawner() {
        LOCK.lock();
        try {
            if (shared == null) {
                shared = Spawner.create();
            }
            return shared;
        } finally {
            LOCK.unlock();
        }
    }

    /** The standby workers for these settings, started on first use; null if the settings keep none. */
    static Standby standbyFor(PoolConfig config, Spawner spawner) {
        if (config.standby() == 0) {
            return null;
        }
        Standby evicted = null;
        Standby standby;
        LOCK.lock();
        try {
            Key key = new Key(config, spawner);
            standby = STANDBYS.get(key);
            if (standby == null) {
                if (STANDBYS.size() >= SETTINGS_KEPT) {
                    Key eldest = STANDBYS.keySet().iterator().next();
                    evicted = STANDBYS.remove(eldest);
                }
                standby = Standby.start(config, spawner, config.standby(), new WorkerNames()::next);
                STANDBYS.put(key, standby);
            }
        } finally {
            LOCK.unlock();
        }
        if (evicted != null) {
            evicted.close(); // outside the lock: it waits for its workers to end
        }
        return standby;
    }
}
