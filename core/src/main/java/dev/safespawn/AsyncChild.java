package dev.safespawn;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A child whose standard streams the library drives through a
 * {@link ChildHandler}: made by {@link Spawner#spawnAsync(Command, ChildHandler)}.
 * It is still a {@link ChildProcess} ({@link #process()}: wait for it,
 * signal it, read its {@link ExitStatus}); its three standard streams belong
 * to the handler, so that {@code ChildProcess} returns null streams for them.
 *
 * <p>Stdin works in two ways, which may be mixed: queue buffers with
 * {@link #writeStdin(ByteBuffer)}, or ask to be called back with
 * {@link #wantWrite()} and fill the buffer in
 * {@link ChildHandler#onStdinReady(ByteBuffer)}. Queued buffers are written
 * first, in order. Neither ever blocks: back-pressure is the handler's
 * business ({@link #hasPendingWrites()}, or writing only from
 * {@code onStdinReady}, which is called only when the pipe has room).
 *
 * <p>Thread-safe: every method may be called from any thread, including from
 * inside a callback. Null policy: {@link #writeStdin(ByteBuffer)} rejects
 * null; nothing returns null. Calls that touch stdin after it was closed, or
 * when it is not a pipe, do nothing.
 */
public interface AsyncChild {

    /**
     * The child as a {@link ChildProcess}.
     *
     * @return the same object on every call, never null
     */
    ChildProcess process();

    /**
     * Asks for a {@link ChildHandler#onStdinReady(ByteBuffer)} call once the
     * queued buffers are written and the pipe has room. Idempotent until that call.
     */
    void wantWrite();

    /**
     * Queues {@code buffer} to be written to the child's stdin, from its
     * position to its limit. The library owns the buffer until it has been
     * written (its position then equals its limit and
     * {@link #hasPendingWrites()} turns false); do not touch it meanwhile.
     *
     * @param buffer the bytes to write
     * @throws NullPointerException if {@code buffer} is null
     */
    void writeStdin(ByteBuffer buffer);

    /**
     * Closes the child's stdin, so it reads end of file.
     *
     * @param force true to close at once, dropping queued buffers; false to
     *        close once every queued buffer has been written
     */
    void closeStdin(boolean force);

    /**
     * Whether buffers queued with {@link #writeStdin(ByteBuffer)} are still being written.
     *
     * @return true until every queued buffer has been written (or dropped by
     *         a forced close, or by the child's end)
     */
    boolean hasPendingWrites();

    /**
     * The exception a callback of the handler threw, if one did; the child
     * was then killed (see {@link ChildHandler}).
     *
     * @return the first exception, or empty
     */
    Optional<Throwable> handlerFailure();

    /**
     * Completes with the child's status once {@link ChildHandler#onExit} has
     * returned (or thrown): after it, no callback of this child runs.
     * Never completes exceptionally. Each call returns a new future, so
     * completing or cancelling it affects only the caller's copy.
     *
     * @return a future of the child's status, never null
     */
    CompletableFuture<ExitStatus> completion();
}
