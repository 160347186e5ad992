package dev.safespawn.nuprocess;

import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessHandler;
import dev.safespawn.AsyncChild;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link NuProcess} started by {@link SafeNuProcessBuilder}: a safespawn
 * child whose standard streams drive a {@link NuProcessHandler} with
 * NuProcess 3.0's semantics. It is the object the handler receives in
 * {@code onPreStart} and {@code onStart} and the one
 * {@link SafeNuProcessBuilder#start()} returns.
 *
 * <h2>Where it differs from NuProcess, on purpose</h2>
 * <ul>
 * <li>A launch failure is reported as NuProcess reports it
 *     ({@code onExit(Integer.MIN_VALUE)}, and this object, not running, is
 *     returned), and also keeps the cause: {@link #spawnFailure()}, usually
 *     a {@link SpawnException} naming the stage and errno. A handler reaches
 *     it from {@code onExit} through the object it was given in
 *     {@code onPreStart}.</li>
 * <li>Exit code 127 is reported as 127: NuProcess reports it as
 *     {@code Integer.MIN_VALUE} because its launcher cannot tell a failed
 *     {@code exec} from a child that exits 127, and safespawn can.</li>
 * <li>The typed end is kept too: {@link #exitStatus()}.</li>
 * </ul>
 *
 * <h2>Numbers</h2>
 * The exit code as the handler's {@code onExit} and {@link #waitFor} see it:
 * the child's exit code; for a child a signal killed, the signal's number
 * (15 for {@code SIGTERM}), as NuProcess 3.0 reports it on Linux;
 * {@code Integer.MAX_VALUE} for a child whose end could not be observed
 * ({@link ExitStatus#lost()}), NuProcess's value for an unknown end;
 * {@code Integer.MIN_VALUE} for a launch failure.
 *
 * <p>Thread-safe: every method may be called from any thread, including from
 * the handler's callbacks. Null policy: {@link #writeStdin} rejects null with
 * {@link NullPointerException} and {@link #setProcessHandler} with
 * {@link IllegalArgumentException} (as NuProcess's builder does); nothing
 * returns null.
 */
public final class SafeNuProcess implements NuProcess {
    private volatile NuProcessHandler handler;
    /** Null until the child has started; then never changes. */
    private volatile AsyncChild child;
    private volatile IOException spawnFailure;
    private volatile ExitStatus status;
    private volatile int exitCode;
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Set by a forced close and at the end: no more writing, but a graceful close is still accepted. */
    private volatile boolean stdinClosed;
    /** Set by the first graceful close, which NuProcess accepts once. */
    private final AtomicBoolean gracefulCloseRequested = new AtomicBoolean();

    SafeNuProcess(NuProcessHandler handler) {
        this.handler = handler;
    }

    /**
     * Calls {@code onPreStart}, then starts {@code command}; a failure is
     * kept and reported as NuProcess does, with {@code onExit(MIN_VALUE)}.
     *
     * @param callbacks where the handler's callbacks run; null for safespawn's event loop
     * @return true if the child started
     */
    boolean launch(Spawner spawner, Command command, Executor callbacks) {
        NuCallbacks.quietly("onPreStart", () -> handler.onPreStart(this));
        try {
            attach(spawner.spawnAsync(command, new NuCallbacks(this), callbacks));
            return true;
        } catch (IOException e) {
            stdinClosed = true;
            spawnFailure = e;
            exitCode = ExitCodes.LAUNCH_FAILED;
            NuCallbacks.quietly("onExit", () -> handler.onExit(ExitCodes.LAUNCH_FAILED));
            ended.countDown();
            return false;
        }
    }

    /** The child, from whichever comes first: safespawn's {@code onStart} or {@code spawnAsync} returning. */
    void attach(AsyncChild started) {
        child = started;
    }

    /** The last callback: safespawn has delivered both streams' ends. */
    void exited(ExitStatus end) {
        status = end;
        stdinClosed = true;
        int code = ExitCodes.of(end);
        exitCode = code;
        try {
            NuCallbacks.quietly("onExit", () -> handler.onExit(code));
        } finally {
            ended.countDown();
        }
    }

    /** Whether the handler's {@code onExit} has returned. */
    boolean hasEnded() {
        return ended.getCount() == 0;
    }

    NuProcessHandler handler() {
        return handler;
    }

    /**
     * Why the child could not be started, if it could not: then the handler
     * got {@code onExit(Integer.MIN_VALUE)}, as from NuProcess, and nothing else
     * after {@code onPreStart}.
     *
     * @return the failure, usually a {@link SpawnException} (stage, errno and
     *         path); an other {@link IOException} if the spawner's strategy
     *         could not be started; empty if the child started
     */
    public Optional<IOException> spawnFailure() {
        return Optional.ofNullable(spawnFailure);
    }

    /**
     * How the child ended, typed: an exit code, a signal, or an end that
     * could not be observed. Set just before the handler's {@code onExit}.
     *
     * @return the status; empty while the child runs, and after a launch failure
     */
    public Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(status);
    }

    /**
     * Waits until the handler's {@code onExit} has returned.
     *
     * @param timeout how long to wait; 0 to wait without limit
     * @param timeUnit the unit of {@code timeout}
     * @return the exit code as described in the class comment;
     *         {@code Integer.MIN_VALUE} if the time ran out first (as from
     *         NuProcess) or the child could not be started
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    @Override
    public int waitFor(long timeout, TimeUnit timeUnit) throws InterruptedException {
        if (timeout == 0) {
            ended.await();
        } else if (!ended.await(timeout, timeUnit)) {
            return ExitCodes.TIMED_OUT;
        }
        return exitCode;
    }

    /**
     * Asks for a call of the handler's {@code onStdinReady} once the pipe has
     * room (and buffers queued by {@link #writeStdin} are written).
     *
     * @throws IllegalStateException if stdin was closed ({@link #closeStdin},
     *         or the child ended), or the child is not started yet
     *         ({@code onPreStart}); as NuProcess
     */
    @Override
    public void wantWrite() {
        openStdin().wantWrite();
    }

    /**
     * Queues {@code buffer}, from its position to its limit, to be written to
     * the child's stdin without blocking. The buffer is the library's until
     * written ({@link #hasPendingWrites()}); do not touch it meanwhile.
     *
     * @param buffer the bytes, already flipped
     * @throws NullPointerException if {@code buffer} is null
     * @throws IllegalStateException as {@link #wantWrite()}
     */
    @Override
    public void writeStdin(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        openStdin().writeStdin(buffer);
    }

    private AsyncChild openStdin() {
        if (stdinClosed || gracefulCloseRequested.get()) {
            throw new IllegalStateException("closeStdin() method has already been called, or the process ended");
        }
        AsyncChild c = child;
        if (c == null) {
            throw new IllegalStateException("the process is not started yet: use stdin from onStart on");
        }
        return c;
    }

    /**
     * Closes the child's stdin, so that it reads end of file.
     *
     * @param force true to close at once, dropping queued buffers; false to
     *        close once every buffer queued by {@link #writeStdin} is written
     * @throws IllegalStateException if {@code force} is false and a graceful
     *         close was already asked for (NuProcess accepts it once)
     */
    @Override
    public void closeStdin(boolean force) {
        AsyncChild c = child;
        if (force) {
            stdinClosed = true;
        } else if (!gracefulCloseRequested.compareAndSet(false, true)) {
            throw new IllegalStateException("closeStdin() method has already been called.");
        }
        if (c != null) {
            c.closeStdin(force);
        }
    }

    /**
     * Whether buffers queued by {@link #writeStdin} are still to be written.
     *
     * @return true until each is written, or dropped by a forced close or the child's end
     */
    @Override
    public boolean hasPendingWrites() {
        AsyncChild c = child;
        return c != null && c.hasPendingWrites();
    }

    /**
     * Ends the child: {@code SIGKILL} if {@code force}, else {@code SIGTERM},
     * which it may handle or ignore. Does nothing once it has been reaped
     * (never signals a recycled pid) or if it never started.
     *
     * @param force true for {@code SIGKILL}
     */
    @Override
    public void destroy(boolean force) {
        AsyncChild c = child;
        if (c == null) {
            return;
        }
        if (force) {
            c.process().destroyForcibly();
        } else {
            c.process().destroy();
        }
    }

    /**
     * Whether the child is still running.
     *
     * @return true from its start until safespawn notices its end (at once,
     *         through a pidfd where the kernel has one); false before it
     *         started and after a launch failure
     */
    @Override
    public boolean isRunning() {
        AsyncChild c = child;
        return c != null && c.process().isAlive();
    }

    /**
     * Replaces the handler: the next callback goes to {@code processHandler}.
     * As with NuProcess, meant to be called from one of the current handler's
     * callbacks.
     *
     * @param processHandler the new handler
     * @throws IllegalArgumentException if {@code processHandler} is null
     */
    @Override
    public void setProcessHandler(NuProcessHandler processHandler) {
        if (processHandler == null) {
            throw new IllegalArgumentException("A NuProcessHandler must be specified");
        }
        this.handler = processHandler;
    }

    /**
     * The child's process id.
     *
     * @return the pid; 0 before the child started and after a launch failure
     *         (NuProcess's value then)
     */
    @Override
    public int getPID() {
        AsyncChild c = child;
        return c == null ? 0 : (int) c.process().pid();
    }

    @Override
    public String toString() {
        AsyncChild c = child;
        if (c != null) {
            return "SafeNuProcess[" + c.process() + "]";
        }
        return spawnFailure != null ? "SafeNuProcess[failed: " + spawnFailure.getMessage() + "]" : "SafeNuProcess[not started]";
    }
}
