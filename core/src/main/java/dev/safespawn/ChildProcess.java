package dev.safespawn;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

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
 * <p>When the streams end ({@link Command.StreamEnd}, chosen per command):
 * by default as {@link ProcessBuilder}'s do, at the child's exit. When the
 * child is reaped, what its output pipes hold then stays readable and after
 * it each output stream reports the end of stream, even if a grandchild it
 * left running still holds the pipe (output the grandchild writes later is
 * not read); the stream to stdin and any extra pipe to the child are closed
 * (a write fails with "Stream closed"); and the parent's descriptors are
 * released at once, so children whose streams are never touched hold no
 * descriptor once they have ended. A thread blocked reading at the child's
 * exit reads what is left, then the end of stream (with
 * {@link Feature#ASYNC_CLOSE}). With {@link Command.StreamEnd#LAST_WRITER}
 * ({@link Feature#STREAMS_OUTLIVE_CHILD}) an output stream instead ends when
 * the last process holding the pipe closes it, grandchildren included, and
 * descriptors are released by closing the streams or this child.
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
 * <p>{@link #terminate(Duration)} and {@link #close()} end the processes of
 * the command's {@link Command#killScope() kill scope}: the child alone
 * ({@link Command.KillScope#PROCESS}, the default), its process group
 * ({@link Command.KillScope#GROUP}), or every process it started, however
 * far down ({@link Command.KillScope#TREE}). {@link #signal(int)},
 * {@link #destroy()} and {@link #destroyForcibly()} always reach the child
 * alone, as {@link Process} documents them.
 *
 * <p>Null policy: the one method that takes an object argument,
 * {@link #terminate(Duration)}, rejects null with a
 * {@link NullPointerException}; no method returns null, and a stream that
 * is not a pipe is a null stream, never {@code null}.
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
     * Which processes {@link #terminate(Duration)} and {@link #close()} end:
     * the {@link Command#killScope()} of the command this child was started from.
     *
     * @return the scope, never null; {@link Command.KillScope#PROCESS} unless
     *         the strategy overrides this (which a strategy must do to honour
     *         another scope)
     */
    public Command.KillScope killScope() {
        return Command.KillScope.PROCESS;
    }

    /**
     * For strategies with {@link Feature#TREE_KILL}: sends {@code signal} to
     * every process of the child's tree ({@link Command.KillScope#TREE}) that
     * is still running, the child included while it runs, and only to them:
     * never to a process outside the tree, nor to a recycled pid.
     * {@link #terminate(Duration)} and {@link #close()} call it for a child
     * whose {@link #killScope()} is {@code TREE}. Thread-safe.
     *
     * @param signal {@link Signal#TERM} or {@link Signal#KILL}
     * @return true if it reached at least one process; false if the tree had
     *         already ended
     * @throws UnsupportedOperationException if the strategy cannot (the
     *         default)
     */
    protected boolean signalTree(int signal) {
        throw new UnsupportedOperationException(strategyName() + " cannot end a process tree");
    }

    /**
     * For strategies with {@link Feature#TREE_KILL}: waits until every
     * process of the child's tree has ended and been reaped, the child
     * included. Thread-safe.
     *
     * @param nanos how long to wait at most, in nanoseconds; 0 only looks,
     *        {@link Long#MAX_VALUE} waits as long as it takes
     * @return true if the whole tree has ended
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws UnsupportedOperationException if the strategy cannot (the default)
     */
    protected boolean awaitTreeEnd(long nanos) throws InterruptedException {
        throw new UnsupportedOperationException(strategyName() + " cannot end a process tree");
    }

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
     *     ended is not signalled. With a {@link #killScope()} other than
     *     {@code PROCESS}, {@code SIGKILL} goes to the whole scope instead,
     *     also when the child itself has already ended: to its process group
     *     ({@code GROUP}), or to its tree, and this method then also waits
     *     until the whole tree has ended ({@code TREE}).</li>
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
        IOException failure = closeStreams();
        boolean interrupted = false;
        switch (killScope()) {
            case PROCESS -> {
                if (isAlive()) {
                    destroyForcibly();
                }
            }
            case GROUP -> signalGroup(Signal.KILL);
            case TREE -> {
                signalTree(Signal.KILL);
                interrupted = awaitTreeEndKeepingInterrupt(false);
            }
        }
        awaitEndKeepingInterrupt(interrupted);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * How {@link #terminate(Duration)} ended a child: its status and the
     * signals it sent. A nested record rather than a type of its own, so the
     * public package stays as small as it is; immutable and thread-safe.
     *
     * @param status how the child ended, never null
     * @param signalsSent the signals sent, in order, to the child or, with a
     *        {@link ChildProcess#killScope()} other than {@code PROCESS}, to its
     *        group or tree: empty if nothing was left to signal,
     *        {@code [SIGTERM]} if everything ended within the grace period,
     *        {@code [SIGTERM, SIGKILL]} if something had to be killed
     *        ({@code [SIGKILL]} alone when the child had already ended and
     *        only what it left in its group or tree was killed); an
     *        unmodifiable list, never null
     */
    public record Termination(ExitStatus status, List<Integer> signalsSent) {
        /**
         * Checks and copies the components.
         *
         * @param status how the child ended
         * @param signalsSent the signals sent, copied
         * @throws NullPointerException if either is null, or a signal is
         */
        public Termination {
            Objects.requireNonNull(status, "status");
            signalsSent = List.copyOf(signalsSent);
        }
    }

    /**
     * Ends the child gracefully: {@code SIGTERM}, then, if it is still alive
     * after {@code grace}, {@code SIGKILL}; then closes the parent's ends of
     * its pipes, as {@link #close()} does, so no reader stays blocked on a
     * pipe that a grandchild still holds open (with {@link Feature#ASYNC_CLOSE}
     * a blocked read returns at once; see the class comment). Which processes
     * are signalled is the command's {@link #killScope()}:
     *
     * <ul>
     * <li>{@code PROCESS}: the child alone, through {@link #signal(int)},
     *     which every strategy accepts for {@code SIGTERM} and {@code SIGKILL}.
     *     A child that has already ended is sent nothing; its status is
     *     returned.</li>
     * <li>{@code GROUP}: its process group, through {@link #signalGroup(int)}:
     *     {@code SIGTERM} to the group, and {@code SIGKILL} to the group if
     *     the child is still alive after {@code grace}, or, once the child has
     *     ended (within the grace period or before this call), to whatever is
     *     left of its group, as GNU {@code timeout} ends its group.</li>
     * <li>{@code TREE}: every process of its tree, through the strategy:
     *     {@code SIGTERM} to all, then {@code SIGKILL} to whatever is left
     *     when the whole tree has not ended within {@code grace}, or at once
     *     when the child had already ended before this call; and on return
     *     every process of the tree has ended and been reaped.</li>
     * </ul>
     *
     * <ol>
     * <li>On return the child has ended: {@link #isAlive()} is false and
     *     {@link #exitStatus()} answers.</li>
     * <li>If the calling thread is interrupted while waiting, the grace period
     *     ends at once: {@code SIGKILL} is sent and waited for, as in
     *     {@link #close()}, and the thread's interrupt status is set again
     *     before this method returns. No {@code InterruptedException} is thrown.</li>
     * <li>Unlike {@link #close()} this may be called more than once and does
     *     not stop a later {@link #close()}; the streams it closed stay closed.</li>
     * </ol>
     *
     * @param grace how long the child may take to end after {@code SIGTERM};
     *        zero sends {@code SIGKILL} straight after it; any length, even
     *        one too long to count in nanoseconds
     * @return how the child ended and which signals were sent, never null
     * @throws NullPointerException if {@code grace} is null
     * @throws IllegalArgumentException if {@code grace} is negative
     * @throws IOException if closing a stream failed; the first such failure,
     *         with the others {@linkplain Throwable#addSuppressed suppressed},
     *         thrown after the child has ended (its status is then in
     *         {@link #exitStatus()})
     */
    public Termination terminate(Duration grace) throws IOException {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace " + grace + " is negative");
        }
        Command.KillScope scope = killScope();
        List<Integer> sent = new ArrayList<>(2);
        boolean interrupted = false;
        boolean ended = true; // the scope ended within the grace period, or needed none
        if (isAlive()) {
            // false only if nothing was left to signal; the wait below then returns at once
            if (signalScope(scope, Signal.TERM)) {
                sent.add(Signal.TERM);
            }
            try {
                long nanos = saturatedNanos(grace);
                ended = scope == Command.KillScope.TREE ? awaitTreeEnd(nanos) : waitFor(nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
                ended = false;
            }
        }
        // A group or a tree may outlive its child: what is left of it is killed either way.
        if ((!ended || scope != Command.KillScope.PROCESS) && signalScope(scope, Signal.KILL)) {
            sent.add(Signal.KILL);
        }
        if (scope == Command.KillScope.TREE) {
            interrupted = awaitTreeEndKeepingInterrupt(interrupted);
        }
        awaitEndKeepingInterrupt(interrupted);
        IOException failure = closeStreams();
        if (failure != null) {
            throw failure;
        }
        return new Termination(exitStatus(), sent);
    }

    /** Sends {@code signal} to the processes of {@code scope}; false if none was left. */
    private boolean signalScope(Command.KillScope scope, int signal) {
        return switch (scope) {
            case PROCESS -> signal(signal);
            case GROUP -> signalGroup(signal);
            case TREE -> signalTree(signal);
        };
    }

    /** {@code d} in nanoseconds; a duration too long for a long (292 years) waits as long as a long can. */
    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Closes stdin first (so a child reading it sees end of file), then
     * stdout, stderr and the extra pipes.
     *
     * @return the first failure, with the others suppressed; null if none
     */
    private IOException closeStreams() {
        IOException failure = null;
        failure = closeOne(getOutputStream(), failure);
        failure = closeOne(getInputStream(), failure);
        failure = closeOne(getErrorStream(), failure);
        try {
            closeExtraPipes();
        } catch (IOException e) {
            failure = addTo(failure, e);
        }
        return failure;
    }

    /** Waits until the whole tree has ended, through interrupts; returns whether the thread was interrupted. */
    private boolean awaitTreeEndKeepingInterrupt(boolean interrupted) {
        while (true) {
            try {
                awaitTreeEnd(Long.MAX_VALUE);
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    /** Waits until the child has ended, through interrupts, and then restores any interrupt. */
    private void awaitEndKeepingInterrupt(boolean interrupted) {
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
