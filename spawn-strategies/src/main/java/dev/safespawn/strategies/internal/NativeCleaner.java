package dev.safespawn.strategies.internal;

import java.lang.ref.Cleaner;

/**
 * The library's one {@link Cleaner}: closes descriptors of streams that became
 * unreachable without being closed. One daemon thread for the whole library.
 */
final class NativeCleaner {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "safespawn-cleaner");
        t.setDaemon(true);
        return t;
    });

    private NativeCleaner() {
    }

    static void register(Object owner, Runnable action) {
        CLEANER.register(owner, action);
    }
}
