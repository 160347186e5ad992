package dev.safespawn.strategies.internal;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Command.PipeDirection;
import dev.safespawn.ExitStatus;
import dev.safespawn.Signal;
import dev.safespawn.internal.CallerStdio;
import dev.safespawn.internal.VirtualThreads;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every natively started child has in common: the parent's pipe ends as
 * streams, and the record of its end, set once by whoever reaps it. How the
 * child is signalled is left to subclasses; each must make sure a signal
 * never reaches a recycled pid.
 *
 * <p>With {@link Command.StreamEnd#AT_EXIT} the pipe ends are told of the
 * exit as it is recorded, before anyone can see it ({@link #waitFor()},
 * {@link #isAlive()}, {@link #onExit()}): whoever learns that the child has
 * ended finds its descriptors released and what its pipes held kept.
 */
public abstract class PipedChildProcess extends ChildProcess implements CallerStdio {
    private final int pid;
    private final boolean leadsGroup;
    private final Command.KillScope killScope;
    private final String strategyName;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final Command.StreamEnd streamEnd;
    private final Map<Integer, Closeable> extra; // child fd -> FdOutputStream or FdInputStream
    /** The pipe ends told of the exit; empty with {@link Command.StreamEnd#LAST_WRITER}. */
    private final List<ChildEnd> endAtExit;
    /** Guards the exit record. */
    protected final Object lock = new Object();
    private final CompletableFuture<Process> exitFuture = new CompletableFuture<>();
    private ExitStatus status; // guarded by lock
    /** Tells children apart that had the same pid at different times; orders their handles. */
    final long serial = SERIALS.incrementAndGet();
    private static final java.util.concurrent.atomic.AtomicLong SERIALS = new java.util.concurrent.atomic.AtomicLong();
    private static final System.Logger LOG = System.getLogger(PipedChildProcess.class.getName());

    /**
     * Takes ownership of the parent's pipe ends; a standard stream without one
     * (-1) is a null stream. {@code command} says which extra pipe goes which
     * way, whether the child leads a process group, its kill scope, and when
     * the streams end.
     */
    protected PipedChildProcess(String strategyName, int pid, Command command, DescriptorPlan.ParentEnds ends) {
        this.strategyName = strategyName;
        this.pid = pid;
        this.leadsGroup = leadsGroup(command);
        this.killScope = command.killScope();
        List<ChildEnd> ending = new ArrayList<>(3 + ends.extra().size());
        this.stdin = ends.stdin() < 0 ? ClosedOutputStream.INSTANCE
                : add(ending, new FdOutputStream(new Descriptor(ends.stdin())));
        this.stdout = ends.stdout() < 0 ? InputStream.nullInputStream()
                : add(ending, new FdInputStream(new Descriptor(ends.stdout())));
        this.stderr = ends.stderr() < 0 ? InputStream.nullInputStream()
                : add(ending, new FdInputStream(new Descriptor(ends.stderr())));
        Map<Integer, Closeable> streams = new HashMap<>();
        ends.extra().forEach((childFd, parentFd) -> streams.put(childFd,
                command.pipes().get(childFd) == PipeDirection.TO_CHILD
                        ? add(ending, new FdOutputStream(new Descriptor(parentFd)))
                        : add(ending, new FdInputStream(new Descriptor(parentFd)))));
        this.extra = Map.copyOf(streams);
        this.streamEnd = command.streamEnd();
        this.endAtExit = streamEnd == Command.StreamEnd.AT_EXIT ? List.copyOf(ending) : List.of();
    }

    /** When the command's streams end; a {@link HandlerDriver} keeps to it too. */
    Command.StreamEnd streamEnd() {
        return streamEnd;
    }

    private static <T extends ChildEnd> T add(List<ChildEnd> ends, T end) {
        ends.add(end);
        return end;
    }

    /** Called under {@link #lock} when the exit is recorded, to release what signalling needed. */
    protected void released() {
    }

    /** Records how the child ended. */
    public void exited(ExitStatus s) {
        exitedIf(() -> s);
    }

    /**
     * Under {@link #lock}, unless the exit is already recorded: runs
     * {@code reap}, and records what it returns unless that is null (the child
     * still runs). Reaping under the lock means no signal can slip in between
     * the reap and the record of it.
     *
     * @return whether the exit is recorded now
     */
    protected boolean exitedIf(Supplier<ExitStatus> reap) {
        synchronized (lock) {
            if (status != null) {
                return true;
            }
            ExitStatus s = reap.get();
            if (s == null) {
                return false;
            }
            status = s;
            released();
            // Before anyone is woken or can see the exit: a waitFor() that
            // returns finds the descriptors released. Never blocks.
            endStreams();
            lock.notifyAll();
        }
        // Completed here, on the reaping thread: only onExit() adds dependents
        // to it, and those are asynchronous, so no user callback runs here and
        // a spawn nobody asks onExit() of wakes no other thread.
        exitFuture.complete(this);
        return true;
    }

    /**
     * Runs {@code action} once the exit is recorded: at once on this thread if
     * it is, else on the thread that records it, which must not be held up.
     */
    void whenExited(Runnable action) {
        exitFuture.thenRun(action);
    }

    /**
     * Tells each pipe end that the child has exited. A failure (no native
     * memory left for the copy, say) leaves that stream to be closed by its
     * user, and must not keep the exit from being recorded and reported.
     */
    private void endStreams() {
        for (ChildEnd end : endAtExit) {
            try {
                end.childExited();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot end a stream of child {0} at its exit: {1}", pid, e);
            }
        }
    }

    /** The parent's ends of the pipes made with {@code pipeToChild}/{@code pipeFromChild}. */
    @Override
    protected void closeExtraPipes() throws IOException {
        IOException failure = null;
        for (Closeable end : extra.values()) {
            try {
                end.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes the three streams; for a child that could not be handed to a reaper. */
    void closeStreams() {
        closeQuietly(stdin);
        closeQuietly(stdout);
        closeQuietly(stderr);
        extra.values().forEach(PipedChildProcess::closeQuietly);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // our streams' close() does not throw
        }
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException on a virtual thread
     */
    @Override
    public CallerStdio.Pump pump(InputStream input, CallerStdio.Sink out, CallerStdio.Sink err) {
        if (VirtualThreads.isCurrent()) {
            throw new IllegalStateException("a virtual thread must not wait in poll(2): it would pin its carrier");
        }
        return new StdioPump(this, stdin, input, stdout, out, stderr, err);
    }

    @Override
    public OutputStream pipeTo(int childFd) {
        if (extra.get(childFd) instanceof OutputStream out) {
            return out;
        }
        return super.pipeTo(childFd);
    }

    @Override
    public InputStream pipeFrom(int childFd) {
        if (extra.get(childFd) instanceof InputStream in) {
            return in;
        }
        return super.pipeFrom(childFd);
    }

    @Override
    public int waitFor() throws InterruptedException {
        while (true) {
            synchronized (lock) {
                if (status != null) {
                    return status.exitValue();
                }
            }
            await(-1);
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            synchronized (lock) {
                if (status != null) {
                    return true;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            await(left);
        }
    }

    /**
     * For a platform thread that polls the child's pipes itself
     * ({@link StdioPump}): a descriptor that becomes readable when the child
     * exits, to add to its poll, so that it learns of the exit from the
     * kernel rather than from another thread. Pair with
     * {@link #leaveExitWait}.
     *
     * @return the descriptor, or -1 where the strategy has none (the exit then
     *         reaches the streams the usual way) or the child has ended
     */
    int enterExitWait() {
        return -1;
    }

    /**
     * Ends what {@link #enterExitWait()} began, when it returned a descriptor.
     * {@code siginfo} is {@link LibC#SIGINFO_T_SIZE} bytes of scratch.
     */
    void leaveExitWait(com.sun.jna.Pointer siginfo) {
    }

    /**
     * Within a wait {@link #enterExitWait()} began: reaps the child if it has
     * exited, and says whether it has ended. {@code siginfo} is as for
     * {@link #leaveExitWait}.
     */
    boolean endedDuringExitWait(com.sun.jna.Pointer siginfo) {
        return !isAlive();
    }

    /** Waits as the current thread should: see {@link #awaitExit} and {@link #parkUntilExit}. */
    private void await(long nanos) throws InterruptedException {
        if (VirtualThreads.isCurrent() && exitIsReported()) {
            parkUntilExit(nanos);
        } else {
            awaitExit(nanos);
        }
    }

    /**
     * Whether the exit will be recorded without help from a waiting thread,
     * so that a virtual thread may just park until it is. A subclass whose
     * waiters may have to reap says so here, and its virtual threads then
     * wait as platform threads do (pinning their carrier, but not forever).
     */
    protected boolean exitIsReported() {
        return true;
    }

    /**
     * {@link #awaitExit} for a virtual thread: parks until whoever reaps (the
     * event loop, the wait thread of the fallback without pidfds, the
     * zygote's reader) records the exit. Never a native wait or a monitor's
     * {@code wait()}: either would pin the carrier other virtual threads need.
     * Interrupted as {@link Object#wait()} is: by throwing, status cleared.
     */
    private void parkUntilExit(long nanos) throws InterruptedException {
        try {
            if (nanos < 0) {
                exitFuture.get();
            } else {
                exitFuture.get(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            // the callers loop, and see that the time is up
        } catch (ExecutionException e) {
            throw new IllegalStateException("the exit future never fails", e);
        }
    }

    /**
     * Blocks a platform thread until the exit is recorded or {@code nanos}
     * pass (negative: no limit); it may return early, and the callers loop.
     * This one waits for
     * whoever reaps (the reaper thread, the zygote's reader) to record the
     * exit; a subclass may wait for the child more directly.
     */
    protected void awaitExit(long nanos) throws InterruptedException {
        synchronized (lock) {
            if (status != null) {
                return;
            }
            if (nanos < 0) {
                lock.wait();
            } else {
                TimeUnit.NANOSECONDS.timedWait(lock, nanos);
            }
        }
    }

    @Override
    public ExitStatus exitStatus() {
        synchronized (lock) {
            if (status == null) {
                throw new IllegalThreadStateException("process " + pid + " has not exited");
            }
            return status;
        }
    }

    @Override
    public boolean isAlive() {
        synchronized (lock) {
            return status == null;
        }
    }

    @Override
    public CompletableFuture<Process> onExit() {
        if (exitFuture.isDone()) {
            return CompletableFuture.completedFuture(this);
        }
        // Async: users' callbacks never run on the reaper's thread, where one
        // slow callback would delay every other child's exit.
        return exitFuture.thenApplyAsync(Function.identity(), ForkJoinPool.commonPool());
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ProcessHandle toHandle() {
        return new ChildHandle(this);
    }

    @Override
    public void destroy() {
        signal(Signal.TERM);
    }

    @Override
    public Process destroyForcibly() {
        signal(Signal.KILL);
        return this;
    }

    /** Whether {@code command} makes its child lead a process group. */
    private static boolean leadsGroup(Command command) {
        return command.newSession() || command.processGroup().orElse(-1) == 0;
    }

    @Override
    public Command.KillScope killScope() {
        return killScope;
    }

    /** @throws IllegalStateException unless the child was made to lead a process group */
    protected void requireGroupLeader() {
        if (!leadsGroup) {
            throw new IllegalStateException("process " + pid
                    + " does not lead a process group; start it with newSession() or processGroup(0)");
        }
    }

    @Override
    public String strategyName() {
        return strategyName;
    }

    /** The stdin of a child whose stdin is not a pipe: every write fails, as ProcessBuilder's does. */
    private static final class ClosedOutputStream extends OutputStream {
        static final ClosedOutputStream INSTANCE = new ClosedOutputStream();

        @Override
        public void write(int b) throws IOException {
            throw new IOException("Stream closed");
        }
    }
}
