package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import java.util.concurrent.CompletableFuture;

/**
 * One wait of a virtual thread for a descriptor to be ready: the
 * {@link EventLoop} watches the descriptor (one shot) and the thread parks
 * until the loop or {@link #wake()} unparks it. A virtual thread must not
 * wait in {@code poll(2)} itself: that would pin its carrier. Nothing stays
 * registered once {@link #park} returns.
 */
final class ReadinessWait {
    private static final EventLoop LOOP = EventLoop.INSTANCE;

    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /** Ends the wait early, from any thread (the descriptor is being closed). */
    void wake() {
        done.complete(null);
    }

    /**
     * Parks until {@code fd} is ready for {@code events} ({@code EPOLLIN} or
     * {@code EPOLLOUT}; error and hang-up count as ready) or {@link #wake()}
     * is called. Like {@code poll(2)} on a platform thread, an interrupt does
     * not end the wait; it stays pending for the caller.
     *
     * @return false, at once, if the kernel refused to watch {@code fd} (out
     *         of memory or epoll watches): the caller must wait another way
     */
    boolean park(int fd, int events) {
        long key = LOOP.register(scratch -> done.complete(null));
        try {
            try {
                LOOP.watch(key, fd, events | LibC.EPOLLONESHOT);
            } catch (LastErrorException refused) {
                return false;
            }
            try {
                done.join(); // parks; never completes exceptionally
            } finally {
                LOOP.unwatch(fd);
            }
            return true;
        } finally {
            LOOP.unregister(key);
        }
    }
}
