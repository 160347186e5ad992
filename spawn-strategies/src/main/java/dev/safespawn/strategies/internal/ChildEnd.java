package dev.safespawn.strategies.internal;

/**
 * The parent's end of one of a child's pipes, told when the child has been
 * reaped so that it can end as {@link dev.safespawn.Command.StreamEnd#AT_EXIT}
 * says. Implementations are thread-safe.
 */
interface ChildEnd {
    /**
     * The child has been reaped. Called once, on the thread that recorded the
     * exit (the reaper, the zygote's reader, a waiter): must never block and
     * never throw.
     */
    void childExited();
}
