package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.AsyncChild;
import dev.safespawn.ChildHandler;
import dev.safespawn.ChildProcess;
import dev.safespawn.ExitStatus;
import dev.safespawn.internal.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives one child's standard streams through a {@link ChildHandler}: the
 * {@link EventLoop} reports a pipe ready, and the driver reads or writes it
 * without blocking and calls the handler.
 *
 * <p>All of a child's state is confined to one context, which serialises it:
 * the loop's thread (no executor), or a {@link SerialExecutor} on the user's
 * executor. Descriptors are watched one shot at a time and watched again
 * only once the handler has had what was read, so with an executor the loop
 * never reads more than one buffer ahead of a slow handler. Other threads
 * (the user's {@code writeStdin}, the reaper's exit) only hand tasks to the
 * context.
 *
 * <p>At the child's exit the bytes already in its pipes are delivered and
 * the pipes closed, so a grandchild still holding them cannot keep the handler
 * waiting (the JDK's semantics for {@code Process} streams, the command's
 * default {@link dev.safespawn.Command.StreamEnd#AT_EXIT}). With
 * {@link dev.safespawn.Command.StreamEnd#LAST_WRITER} the streams are read
 * to their end of file and stdin stays open, and {@code onExit} waits for both
 * output streams to end.
 */
public final class HandlerDriver implements AsyncChild {
    /** The size of the buffers handed to the handler. */
    static final int BUFFER_SIZE = 64 * 1024;
    /** Reads or writes per readiness event before the descriptor is watched again, so one busy child cannot hog the loop. */
    private static final int IO_PER_EVENT = 16;

    private static final EventLoop LOOP = EventLoop.INSTANCE;

    /** Starts the child, having the driver's pipes taken from its plan with {@link StdioClaim#takeFrom}. */
    @FunctionalInterface
    public interface Launch {
        PipedChildProcess launch(StdioClaim claim) throws IOException;
    }

    /** The parent's ends of the standard pipes, moved out of a {@link DescriptorPlan} before the child is adopted. */
    public static final class StdioClaim {
        private int[] fds = {-1, -1, -1};

        /** Takes the parent's stdio ends from {@code plan}; the child then gets null streams for them. */
        public void takeFrom(DescriptorPlan plan) {
            fds = plan.takeStdio();
        }

        private void closeAll() {
            for (int fd : fds) {
                if (fd >= 0) {
                    Descriptor.closeQuietly(fd);
                }
            }
        }
    }

    private final PipedChildProcess child;
    private final ChildHandler handler;
    private final boolean onLoop;
    private final Executor context;
    private final Output stdout;
    private final Output stderr;
    private final Input stdin;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CompletableFuture<ExitStatus> completion = new CompletableFuture<>();
    private ExitStatus status; // confined to the context, as every field below
    private boolean finished;

    private HandlerDriver(PipedChildProcess child, int[] fds, ChildHandler handler, Executor executor) {
        this.child = child;
        this.handler = handler;
        this.onLoop = executor == null;
        this.context = onLoop ? LOOP::execute : new SerialExecutor(executor, LOOP::execute, this::rejected);
        this.stdout = new Output(fds[1], true);
        this.stderr = new Output(fds[2], false);
        this.stdin = new Input(fds[0]);
    }

    /**
     * Launches a child whose stdio the returned driver owns, and starts
     * driving it. If the launch fails, the pipes it claimed are closed and no
     * callback is called.
     */
    public static AsyncChild start(ChildHandler handler, Executor executor, Launch launch) throws IOException {
        Objects.requireNonNull(handler, "handler");
        StdioClaim claim = new StdioClaim();
        PipedChildProcess child;
        try {
            child = launch.launch(claim);
        } catch (IOException | RuntimeException e) {
            claim.closeAll();
            throw e;
        }
        HandlerDriver driver = new HandlerDriver(child, claim.fds, handler, executor);
        driver.context.execute(driver::started); // before the exit, which may be recorded already
        child.whenExited(() -> driver.context.execute(driver::exited));
        return driver;
    }

    // ---- AsyncChild, from any thread

    @Override
    public ChildProcess process() {
        return child;
    }

    @Override
    public void wantWrite() {
        stdin.wanted = true;
        context.execute(stdin::arm);
    }

    @Override
    public void writeStdin(ByteBuffer buffer) {
        stdin.queued.add(Objects.requireNonNull(buffer, "buffer"));
        context.execute(stdin::arm);
    }

    @Override
    public void closeStdin(boolean force) {
        context.execute(() -> {
            if (force) {
                stdin.close();
            } else {
                stdin.closeWhenDrained = true;
                stdin.arm();
            }
        });
    }

    @Override
    public boolean hasPendingWrites() {
        return !stdin.queued.isEmpty();
    }

    @Override
    public Optional<Throwable> handlerFailure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public CompletableFuture<ExitStatus> completion() {
        return completion.copy();
    }

    @Override
    public String toString() {
        return "AsyncChild[" + child + "]";
    }

    // ---- the context

    private void started() {
        call(() -> handler.onStart(this));
        stdout.startOrEnd();
        stderr.startOrEnd();
        stdin.arm();
    }

    /**
     * The exit is recorded: deliver what the pipes hold now, close them, and
     * finish; with {@code LAST_WRITER} finish once the streams end by themselves.
     */
    private void exited() {
        status = child.exitStatus();
        if (child.streamEnd() == dev.safespawn.Command.StreamEnd.AT_EXIT) {
            stdout.drainAndEnd();
            stderr.drainAndEnd();
            stdin.close();
        }
        finishIfDone();
    }

    private void finishIfDone() {
        if (finished || status == null || !stdout.ended || !stderr.ended) {
            return;
        }
        finished = true;
        try {
            handler.onExit(status);
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        }
        completion.complete(status);
    }

    /** Runs a callback; one that throws ends the child (see {@link ChildHandler}). */
    private void call(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    private void failed(Throwable cause) {
        if (!failure.compareAndSet(null, cause)) {
            return;
        }
        child.destroyForcibly();
        stdin.close();
        stdout.end();
        stderr.end();
    }

    /** From the thread whose task the user's executor rejected: the rest runs on the loop. */
    private void rejected() {
        IllegalStateException e = new IllegalStateException("the handler executor rejected a task; the child"
                + " was killed and its remaining callbacks ran on safespawn's event loop");
        context.execute(() -> failed(e));
    }

    /** A readiness event from the loop: handled there, or handed to the executor. */
    private void onEvent(Runnable work) {
        if (onLoop) {
            work.run();
        } else {
            context.execute(work);
        }
    }

    /** Registers {@code fd} (or watches it again) for one event of {@code events}; false if the kernel refused. */
    private boolean watch(long[] key, int fd, int events, Runnable work) {
        try {
            if (key[0] == 0) {
                key[0] = LOOP.register(scratch -> onEvent(work));
                LOOP.watch(key[0], fd, events | LibC.EPOLLONESHOT);
            } else {
                LOOP.rewatch(key[0], fd, events | LibC.EPOLLONESHOT);
            }
            return true;
        } catch (LastErrorException e) {
            failed(new IOException("cannot watch the child's pipe: " + Errno.message(e.getErrorCode())));
            return false;
        }
    }

    private static void unwatchAndClose(long[] key, int fd) {
        if (key[0] != 0) {
            LOOP.unwatch(fd);
            LOOP.unregister(key[0]);
            key[0] = 0;
        }
        Descriptor.closeQuietly(fd);
    }

    private static Pointer address(ByteBuffer direct) {
        return Native.getDirectBufferPointer(direct);
    }

    /** The child's stdout or stderr. */
    private final class Output {
        private final boolean isStdout;
        private final long[] key = {0};
        private int fd;
        private ByteBuffer buffer; // direct, made on first use; between calls: filled up to position
        private Pointer base;
        boolean ended;

        Output(int fd, boolean isStdout) {
            this.fd = fd;
            this.isStdout = isStdout;
        }

        void startOrEnd() {
            if (fd < 0) {
                end();
            } else if (!ended) {
                watch(key, fd, LibC.EPOLLIN, this::readable);
            }
        }

        private void readable() {
            if (ended) {
                return; // a late event for a stream ended meanwhile
            }
            for (int i = 0; i < IO_PER_EVENT; i++) {
                long got = readOnce(Long.MAX_VALUE);
                if (got > 0) {
                    if (ended) {
                        return; // the handler failed
                    }
                    continue;
                }
                if (got == 0) {
                    watch(key, fd, LibC.EPOLLIN, this::readable);
                } else {
                    end();
                }
                return;
            }
            watch(key, fd, LibC.EPOLLIN, this::readable); // more may be waiting: give other children a turn
        }

        /** At exit: delivers the bytes in the pipe now (not what a grandchild writes later), then ends. */
        void drainAndEnd() {
            if (ended) {
                return;
            }
            long left = available();
            while (left > 0 && !ended) {
                long got = readOnce(left);
                if (got <= 0) {
                    break;
                }
                left -= got;
            }
            end();
        }

        private long available() {
            try {
                IntByReference n = new IntByReference();
                LibC.ioctl(fd, LibC.FIONREAD, n);
                return n.getValue();
            } catch (LastErrorException e) {
                return 0;
            }
        }

        /** One {@code read(2)} of at most {@code most} bytes, delivered: the count, 0 if none is there yet, -1 at the end. */
        private long readOnce(long most) {
            ByteBuffer b = buffer();
            long got = NonBlockingIo.read(fd, base.share(b.position()), Math.min(most, b.remaining()));
            if (got > 0) {
                b.position(b.position() + (int) got);
                deliver(false);
                return got;
            }
            if (got == 0) {
                return -1;
            }
            int errno = Native.getLastError();
            return errno == Errno.EAGAIN || errno == Errno.EINTR ? 0 : -1;
        }

        private ByteBuffer buffer() {
            if (buffer == null) {
                buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
                base = address(buffer);
            }
            return buffer;
        }

        /** Hands the bytes to the handler and keeps what it left for next time. */
        private void deliver(boolean closed) {
            ByteBuffer b = buffer == null ? ByteBuffer.allocate(0) : buffer;
            b.flip();
            call(() -> {
                if (isStdout) {
                    handler.onStdout(b, closed);
                } else {
                    handler.onStderr(b, closed);
                }
            });
            if (closed) {
                return;
            }
            if (b.remaining() == b.capacity()) {
                failed(new IllegalStateException((isStdout ? "onStdout" : "onStderr")
                        + " left its buffer full (" + b.capacity() + " bytes) without consuming any"));
                return;
            }
            b.compact();
        }

        /** Ends the stream once: stops watching, closes the pipe, makes the {@code closed} call. */
        void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (fd >= 0) {
                unwatchAndClose(key, fd);
                fd = -1;
            }
            deliver(true);
            buffer = null;
            base = null;
            finishIfDone();
        }
    }

    /** The child's stdin. */
    private final class Input {
        final Queue<ByteBuffer> queued = new ConcurrentLinkedQueue<>();
        volatile boolean wanted;
        boolean closeWhenDrained;
        private final long[] key = {0};
        private int fd;
        private boolean armed;
        private ByteBuffer handlerBuffer; // what onStdinReady fills
        private boolean handlerBufferPending; // it still holds bytes to write
        private ByteBuffer staging; // a heap buffer's bytes on their way to write(2)
        private Pointer stagingBase;

        Input(int fd) {
            this.fd = fd;
        }

        /** Watches for room in the pipe if there is something to write; closes if asked to and drained. */
        void arm() {
            if (fd < 0) {
                queued.clear(); // written after stdin closed: dropped, as documented
                return;
            }
            if (armed) {
                return;
            }
            boolean work = handlerBufferPending || !queued.isEmpty();
            if (!work && closeWhenDrained) {
                close();
            } else if (work || wanted) {
                armed = watch(key, fd, LibC.EPOLLOUT, this::writable);
            }
        }

        private void writable() {
            armed = false;
            for (int i = 0; i < IO_PER_EVENT && fd >= 0; i++) {
                ByteBuffer next = nextToWrite();
                if (next == null) {
                    return;
                }
                long wrote = writeSome(next);
                if (wrote < 0) {
                    int errno = Native.getLastError();
                    if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                        break;
                    }
                    close(); // EPIPE: the child closed its end, so nothing queued can reach it
                    return;
                }
                next.position(next.position() + (int) wrote);
                if (!next.hasRemaining()) {
                    if (next == handlerBuffer && handlerBufferPending) {
                        handlerBufferPending = false;
                    } else {
                        queued.poll();
                    }
                }
            }
            arm();
        }

        /** The buffer to write from now: the handler's unfinished one, the queue's head, or a new one from the handler. */
        private ByteBuffer nextToWrite() {
            if (handlerBufferPending) {
                return handlerBuffer;
            }
            ByteBuffer head = queued.peek();
            if (head != null) {
                return head;
            }
            if (closeWhenDrained) {
                close();
                return null;
            }
            if (!wanted) {
                return null;
            }
            wanted = false;
            if (handlerBuffer == null) {
                handlerBuffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
            }
            ByteBuffer b = handlerBuffer.clear();
            boolean[] more = {false};
            call(() -> more[0] = handler.onStdinReady(b));
            if (fd < 0 || failure.get() != null) {
                return null;
            }
            wanted = wanted || more[0];
            if (!b.hasRemaining()) {
                return null; // nothing to write this time; arm() watches again if the handler wants more
            }
            handlerBufferPending = true;
            return b;
        }

        /** One {@code write(2)} from {@code src}'s position; returns the count, or -1 with errno set. */
        private long writeSome(ByteBuffer src) {
            if (src.isDirect()) {
                return NonBlockingIo.write(fd, address(src).share(src.position()), src.remaining());
            }
            if (staging == null) {
                staging = ByteBuffer.allocateDirect(BUFFER_SIZE);
                stagingBase = address(staging);
            }
            int n = Math.min(src.remaining(), BUFFER_SIZE);
            staging.clear();
            staging.put(src.duplicate().limit(src.position() + n));
            return NonBlockingIo.write(fd, stagingBase, n);
        }

        void close() {
            if (fd < 0) {
                return;
            }
            unwatchAndClose(key, fd);
            fd = -1;
            armed = false;
            queued.clear();
            handlerBufferPending = false;
        }
    }
}
