package dev.safespawn.pool;

import java.util.Iterator;

/**
 * The results of {@link ProcessPool#imap(Iterable, SerializableFunction, MapOptions)}.
 * It reads the input and submits tasks on the thread that calls
 * {@link #hasNext()}, only as far ahead as the options' prefetch allows, and
 * waits there for results.
 *
 * <p>{@link #hasNext()} and {@link #next()} throw {@link MapFailedException}
 * at the first failure, after closing (a chunk's results come back
 * together, so those of elements before the failing one in its chunk are not
 * handed out); whatever the input's iterator throws,
 * or the pool's {@link java.util.concurrent.RejectedExecutionException} once
 * it is shut down, also comes out of them, after closing; and if the waiting
 * thread is interrupted they close and throw
 * {@link java.util.concurrent.CancellationException}, the interrupt status
 * kept. Once closed, {@link #hasNext()} is false.
 *
 * <p>Not thread-safe: one thread iterates and closes it. The results may be
 * null if the function returns null.
 *
 * @param <R> the result type
 */
public interface MapIterator<R> extends Iterator<R>, AutoCloseable {
    /**
     * Stops: reads no more input, cancels every task not yet consumed (a
     * running one's worker is killed and replaced, as for
     * {@code cancel(true)}), and closes the input if it was a stream.
     * Idempotent.
     */
    @Override
    void close();
}
