package dev.safespawn;

import java.io.Closeable;
import java.io.IOException;

/**
 * A running or finished child started by a {@link Spawner}.
 *
 * <p>Every {@link Process} method behaves as the JDK documents it:
 * {@link #destroy()} sends {@code SIGTERM}, {@link #destroyForcibly()} sends
 * {@code SIGKILL}, {@link #onExit()} completes when the child has been reaped,
 * and the three streams are those of {@link Redirect#PIPE} redirects (null
 * streams otherwise). On top of that a child can be sent any signal, its whole
 * process group can be signalled when it leads one, and its end is reported as
 * an {@link ExitStatus} that keeps exit codes and signals apart.
 *
 * <p>Thread-safe. Streams may be closed while other threads read or write
 * them, and no call ever touches a descriptor number the operating system has
 * since given to someone else; with {@link Feature#ASYNC_CLOSE} the blocked
 * call also returns at once (read: end of stream or an {@code IOException};
 * write: an {@code IOException}). A child dropped without closing its streams
 * has them closed when it becomes unreachable.
 *
 * <p>Signals are delivered through a pidfd where the kernel has one, and never
 * after the child has been reaped, so a recycled pid is never hit.
 *
 * <p>A child whose end cannot be observed ends as {@link ExitStatus#lost(String)},
 * never with an invented exit code: a zygote server that died, or a child
 * reaped behind the library's back (SIGCHLD set to {@code SIG_IGN}, a
 * {@code waitpid(-1)} elsewhere in the process). It then counts as ended:
 * {@link #isAlive()} is false, {@link #onExit()} completes, and
 * {@link #waitFor()} and {@link #exitValue()} return -1, a value no exit code
 * or signal produces. (The {@code jdk} strategy cannot tell such a child
 * from one that exited with 0; see {@code JdkStrategy}.)
 *
 * <p>{@link #toHandle()} keeps the {@link ProcessHandle} contract: it equals
 * only handles of its own implementation for the same child, and once the
 * child has been reaped it reports nothing about, and never signals, a
 * process that has since been given the same pid.
 *
 * <p>Closeable, as {@code java.lang.Process} is from JDK 26 on, with the
 * same contract (see {@link #close()}), on every JDK this library runs on:
 * {@code try (ChildProcess child = spawner.spawn(command)) { ... }} leaves
 * neither a descriptor nor a running child behind.
 *
 * <p>Null policy: no method takes an object argument, and no method returns
 * null; a stream that is not a pipe is a null stream, never {@code null}.
 */
public abstract class ChildProcess extends Process implements Closeable {
    private final Object closeLock = new Object();
    private boolean closed; // guarded by closeLock

    /**
     * For strategies only: a subclass must keep every guarantee described
     * above, whatever its way of starting and watching the child.
     */
    protected ChildProcess() {
    }

    /**
     * Sends {@code signal} to the child.
     *
     * @param signal the signal number, such as {@link Signal#TERM}; 1 to
     *        {@link Signal#RTMAX}. Which numbers are accepted is up to the
     *        strategy and the kernel; see the exceptions
     * @return true if it was sent; false if the child had already been reaped
     *         (then nothing is sent, to anyone)
     * @throws UnsupportedOperationException if the strategy lacks {@link Feature#SIGNALS}
     *         and {@code signal} is neither {@code SIGTERM} nor {@code SIGKILL}
     * @throws IllegalArgumentException if the strategy has
     *         {@link Feature#SIGNALS}, the child is alive and the kernel
     *         rejects {@code signal} as no signal ({@code EINVAL})
     */
    public abstract boolean signal(int signal);

    /**
     * Sends {@code signal} to every process in the child's process group, which
     * the child must lead ({@link Command.Builder#newSession()} or
     * {@code processGroup(0)}); this never signals a group the library did not
     * create. Works after the leader has exited, for members still running.
     *
     * @param signal the signal number, such as {@link Signal#KILL}; 1 to
     *        {@link Signal#RTMAX}
     * @return true if it was sent; false if the group no longer exists
     * @throws IllegalStateException if the child was not made a group leader
     * @throws UnsupportedOperationException if the strategy lacks {@link Feature#SIGNALS}
     *         (whatever the signal)
     * @throws IllegalArgumentException if the kernel rejects {@code signal}
     *         as no signal ({@code EINVAL})
     */
    public abstract boolean signalGroup(int signal);

    /**
     * How the child ended.
     *
     * @return the child's end, never null; the same value every time once the
     *         child has ended ({@link ExitStatus#lost(String)} if the end could
     *         not be observed)
     * @throws IllegalThreadStateException if it has not ended yet
     */
    public abstract ExitStatus exitStatus();

    /**
     * The parent's end of the pipe the child reads at {@code childFd}
     * ({@link Command.Builder#pipeToChild(int)}); same semantics as
     * {@link #getOutputStream()}.
     *
     * @param childFd the descriptor number the child reads, as given to
     *        {@link Command.Builder#pipeToChild(int)}
     * @return the parent's write end of that pipe, never null; the same stream
     *         on every call
     * @throws IllegalArgumentException if the command asked for no such pipe
     *         (including a pipe from the child at {@code childFd})
     */
    public java.io.OutputStream pipeTo(int childFd) {
        throw new IllegalArgumentException("no pipe to child fd " + childFd);
    }

    /**
     * The parent's end of the pipe the child writes at {@code childFd}
     * ({@link Command.Builder#pipeFromChild(int)}); same semantics as
     * {@link #getInputStream()}.
     *
     * @param childFd the descriptor number the child writes, as given to
     *        {@link Command.Builder#pipeFromChild(int)}
     * @return the parent's read end of that pipe, never null; the same stream
     *         on every call
     * @throws IllegalArgumentException if the command asked for no such pipe
     *         (including a pipe to the child at {@code childFd})
     */
    public java.io.InputStream pipeFrom(int childFd) {
        throw new IllegalArgumentException("no pipe from child fd " + childFd);
    }

    /**
     * The name of the strategy that started this child.
     *
     * @return the strategy's name, as {@link Spawner#strategyName()} gives it; never null
     */
    public abstract String strategyName();

    /**
     * Returns {@link #exitStatus()}{@code .exitValue()}.
     *
     * @return the exit code, 128 + signal, or -1 when the end was lost
     * @throws IllegalThreadStateException if the child has not ended yet
     */
    @Override
    public int exitValue() {
        return exitStatus().exitValue();
    }

    /**
     * Whether {@link #destroy()} lets the child end normally.
     *
     * @return always true: {@link #destroy()} sends {@code SIGTERM}, which a child may handle
     */
    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    /**
     * Closes the child's streams and makes sure it has ended: the contract of
     * {@code Process.close()} in JDK 26, here for every strategy and every JDK.
     *
     * <ol>
     * <li>The stream to the child's stdin ({@link #getOutputStream()}) is
     *     closed first, so a child reading stdin sees end of file; then the
     *     streams of its stdout and stderr ({@link #getInputStream()},
     *     {@link #getErrorStream()}); then any extra pipes
     *     ({@link #closeExtraPipes()}). Unread output is discarded: read what
     *     you need before closing.</li>
     * <li>If the child is still {@linkplain #isAlive() alive} it is destroyed
     *     forcibly ({@link #destroyForcibly()}, {@code SIGKILL}) and this
     *     method waits until it has ended, so on return {@link #isAlive()} is
     *     false and {@link #exitStatus()} answers. A child that has already
     *     ended is not signalled.</li>
     * <li>If the calling thread is interrupted while waiting, the wait goes
     *     on (the child has been sent {@code SIGKILL}, so it is short) and the
     *     thread's interrupt status is set again before this method returns.</li>
     * <li>Idempotent and thread-safe: only the first call does anything;
     *     later and concurrent calls return at once.</li>
     * </ol>
     *
     * <p>The readers and writers that {@link Process#inputReader()},
     * {@link Process#errorReader()} and {@link Process#outputWriter()} make
     * are not reached (on JDK 17 to 25 {@code Process} keeps them to itself):
     * closing their streams ends them, but text still buffered in an
     * {@code outputWriter()} is not flushed; flush it before closing.
     *
     * @throws IOException if closing a stream failed; the first such failure,
     *         with the others {@linkplain Throwable#addSuppressed suppressed},
     *         thrown after the child has been destroyed and waited for
     */
    @Override
    public void close() throws IOException {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        IOException failure = null;
        failure = closeOne(getOutputStream(), failure);
        failure = closeOne(getInputStream(), failure);
        failure = closeOne(getErrorStream(), failure);
        try {
            closeExtraPipes();
        } catch (IOException e) {
            failure = addTo(failure, e);
        }
        if (isAlive()) {
            destroyForcibly();
            boolean interrupted = false;
            while (true) {
                try {
                    waitFor();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * For strategies: closes the parent's ends of the extra pipes
     * ({@link #pipeTo(int)}, {@link #pipeFrom(int)}); {@link #close()} calls it
     * once, after the standard streams. A strategy whose children can have
     * extra pipes overrides it. The default closes nothing.
     *
     * @throws IOException if closing one failed; the rest are closed all the same
     */
    protected void closeExtraPipes() throws IOException {
    }

    private static IOException closeOne(Closeable stream, IOException failure) {
        try {
            stream.close();
            return failure;
        } catch (IOException e) {
            return addTo(failure, e);
        }
    }

    private static IOException addTo(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        String state;
        try {
            state = exitStatus().toString();
        } catch (IllegalThreadStateException running) {
            state = "running";
        }
        return getClass().getSimpleName() + "[pid=" + pid() + ", strategy=" + strategyName() + ", " + state + "]";
    }
}
