package dev.safespawn.strategies.internal;

/**
 * For test hosts in any package: makes the library's thread starts
 * ({@link LibraryThreads}) fail as the JVM's do at the process limit, or work
 * again. Process-wide: only for a host JVM of a test's own ({@link HostJvm}).
 */
public final class LibraryThreadStarts {
    private LibraryThreadStarts() {
    }

    /** Every later library thread start throws what the JVM throws when it cannot make a native thread. */
    public static void refuse() {
        LibraryThreads.factory = r -> {
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
        };
    }

    /** The next {@code allowed} library thread starts work, and every later one fails as {@link #refuse()} makes it. */
    public static void refuseAfter(int allowed) {
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(allowed);
        LibraryThreads.factory = r -> {
            if (left.getAndDecrement() > 0) {
                return new Thread(r);
            }
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
        };
    }

    /** Library threads start again. */
    public static void allow() {
        LibraryThreads.factory = Thread::new;
    }
}
