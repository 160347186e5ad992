package dev.safespawn.strategies.internal;

/**
 * The parent's end of one of a child's pipes, told when the child has been
 * reaped so that it can end as {@link dev.safespawn.Command.StreamEnd#AT_EXIT}
 * says. Implementations are thread-safe.
 */
interface ChildEnd {
    /**
     * The child has been reaped. Called once, on the thread that recorded the
     * exit (the reaper, the zygote's reader, a waiter), under the child's
     * lock: must never block. A {@code RuntimeException} it throws is logged
     * and keeps neither the other ends nor the exit's report from going on.
     */
    void childExited();
}
