package dev.safespawn.strategies.internal;

import java.lang.ref.Cleaner;

/**
 * The library's one {@link Cleaner}: closes descriptors of streams that became
 * unreachable without being closed. One daemon thread for the whole library,
 * started by the first registration rather than by class initialization (see
 * {@link LibraryThreads}).
 */
final class NativeCleaner {
    private static Cleaner cleaner; // guarded by the class; null until a thread could be started

    private NativeCleaner() {
    }

    /**
     * Closes with {@code action} what {@code owner} holds once {@code owner}
     * is unreachable. When no thread can be started for the cleaner, nothing
     * is registered and the next call tries again: the owner is then closed
     * only by its user, as every owner should be, rather than failing a spawn
     * whose child already runs.
     */
    static void register(Object owner, Runnable action) {
        Cleaner c;
        synchronized (NativeCleaner.class) {
            if (cleaner == null) {
                try {
                    cleaner = Cleaner.create(r -> LibraryThreads.daemon(r, "safespawn-cleaner"));
                } catch (OutOfMemoryError noThread) {
                    return;
                }
            }
            c = cleaner;
        }
        c.register(owner, action);
    }
}
