package dev.safespawn.strategies.internal;

import java.util.concurrent.ThreadFactory;

/**
 * Makes the library's own threads (the event loop's, the cleaner's, a waiter
 * per child without a pidfd). Every one is started lazily by the call that
 * needs it, never by a static initializer, and a start that fails (the JVM
 * cannot make a native thread) leaves things so that the next call tries
 * again: a failed class initialization or a thread marked started that never
 * ran would break the library for the JVM's life.
 */
final class LibraryThreads {
    /** How threads are made; tests replace it to make a start fail as the JVM would. */
    static volatile ThreadFactory factory = Thread::new;

    private LibraryThreads() {
    }

    /** A daemon thread named {@code name}, not started; may throw {@link OutOfMemoryError}. */
    static Thread daemon(Runnable task, String name) {
        Thread t = factory.newThread(task);
        t.setName(name);
        t.setDaemon(true);
        return t;
    }
}
