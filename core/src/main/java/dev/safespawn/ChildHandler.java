package dev.safespawn;

import java.nio.ByteBuffer;

/**
 * Callbacks through which the library drives a child's standard streams for
 * you, with no thread per child: see {@link Spawner#spawnAsync(Command, ChildHandler)}.
 * Every method has a default that does nothing (or, for
 * {@link #onStdinReady}, writes nothing), so a handler overrides only what it needs.
 *
 * <h2>When and where callbacks run</h2>
 * <ul>
 * <li>The callbacks of one child never run at the same time, and each sees
 *     what the previous one did (they are serialised with happens-before
 *     edges between them). Different children's callbacks are independent.</li>
 * <li>Order: {@link #onStart} first; then any number of {@link #onStdout},
 *     {@link #onStderr} and {@link #onStdinReady} calls; each output stream
 *     ends with exactly one call whose {@code closed} is true (also for a
 *     stream that is not a pipe, which gets just that one, empty, call); then
 *     {@link #onExit} last, once.</li>
 * <li>By default they run on the library's event-loop thread, which serves
 *     every child of the JVM: a callback must not block, or it delays every
 *     other child's I/O and exit; above all it must not wait for a child
 *     ({@code waitFor}, {@code completion().join()}), whose end that same
 *     thread has to deliver. Give {@code spawnAsync} an executor to run
 *     a child's callbacks there instead; a slow callback then delays only its
 *     own child, because the library reads at most one buffer ahead of each
 *     stream's handler and writes stdin only when the handler has supplied it.</li>
 * </ul>
 *
 * <h2>Buffers</h2>
 * The buffers passed to callbacks belong to the library and are valid only
 * during the call: copy what you keep. Never keep a reference to one.
 *
 * <h2>Failures</h2>
 * A callback that throws ends its own child, and only it: the library kills it
 * ({@code SIGKILL}), stops reading and writing its streams (the remaining
 * {@code closed} calls still arrive, with empty buffers), calls
 * {@link #onExit} with how it ended, and keeps the exception for
 * {@link AsyncChild#handlerFailure()}. Other children are not affected. An
 * exception thrown by {@link #onExit} itself is only recorded there.
 *
 * <p>Thread-safety of the handler object is the caller's choice: the library
 * calls one handler from one child at a time, so a handler used for one child
 * needs no locking; one shared by several children is called concurrently
 * when an executor is given.
 */
public interface ChildHandler {

    /**
     * The child has started; called before any other callback.
     *
     * @param child the child's control: keep it to write to its stdin or to
     *        reach its {@link ChildProcess}; never null
     */
    default void onStart(AsyncChild child) {
    }

    /**
     * Bytes the child wrote to its standard output. The buffer is ready to
     * read (position at the first byte, limit after the last). Consume what
     * you can by advancing its position; the bytes you leave come first in the
     * next call, followed by new ones. A handler that leaves the buffer full
     * ({@link ByteBuffer#capacity()} bytes, 64 KiB) fails, since nothing more
     * could be read.
     *
     * @param buffer the bytes; valid only during this call; never null
     * @param closed true on the last call for this stream: the stream has
     *        ended (see {@link Command} for when streams end); bytes left in
     *        the buffer then are dropped
     */
    default void onStdout(ByteBuffer buffer, boolean closed) {
    }

    /**
     * Bytes the child wrote to its standard error, with the rules of
     * {@link #onStdout}. Not called for a command with
     * {@link Command.Builder#redirectErrorStream()}, except for the one
     * {@code closed} call.
     *
     * @param buffer the bytes; valid only during this call; never null
     * @param closed true on the last call for this stream
     */
    default void onStderr(ByteBuffer buffer, boolean closed) {
    }

    /**
     * The child's stdin pipe can take data, and you asked for this call with
     * {@link AsyncChild#wantWrite()} (or by returning true last time). Put the
     * bytes to write into {@code buffer} and {@link ByteBuffer#flip() flip} it;
     * the library writes from its position to its limit before calling again.
     * Flip it even when you put nothing in: an untouched buffer is
     * indistinguishable from a full one, and its 64 KiB would be written.
     *
     * @param buffer an empty buffer (position 0, limit = capacity, 64 KiB);
     *        valid only during this call; never null
     * @return true to be called again once these bytes are written; false to
     *         be left alone until the next {@link AsyncChild#wantWrite()}
     */
    default boolean onStdinReady(ByteBuffer buffer) {
        return false;
    }

    /**
     * The child has ended and both output streams have had their
     * {@code closed} call. The last callback for this child.
     *
     * @param status how it ended, never null
     */
    default void onExit(ExitStatus status) {
    }
}
