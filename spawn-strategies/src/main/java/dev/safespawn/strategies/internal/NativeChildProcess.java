package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.ExitStatus;
import dev.safespawn.internal.Errno;
import dev.safespawn.internal.Signals;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A child started by a native strategy. The {@link Reaper} reports its end;
 * signals go through its pidfd (or its pid, where the kernel has no pidfd)
 * only while it has not been reaped, under the same lock the reaper takes to
 * record the exit, so a recycled pid is never signalled.
 */
public final class NativeChildProcess extends ChildProcess {
    private final int pid;
    private final int pidfd; // -1 without pidfd support; closed once reaped
    private final boolean leadsGroup;
    private final String strategyName;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final Object lock = new Object();
    private final CompletableFuture<Process> exitFuture = new CompletableFuture<>();
    private ExitStatus status; // guarded by lock

    /**
     * Takes charge of a child a native strategy has just launched: opens its
     * pidfd, takes the parent's pipe ends from {@code plan} and hands the
     * child to the reaper. If that fails the child is killed and reaped, so a
     * failed spawn never leaves a zombie.
     */
    public static NativeChildProcess adopt(String strategyName, int pid, Command command, DescriptorPlan plan)
            throws SpawnException {
        int pidfd = openPidfd(pid);
        boolean leadsGroup = command.newSession() || command.processGroup().orElse(-1) == 0;
        try {
            int[] ends = plan.handOver();
            return start(strategyName, pid, pidfd, leadsGroup, ends[0], ends[1], ends[2]);
        } catch (RuntimeException e) {
            abandon(pid, pidfd);
            throw new SpawnException(SpawnException.Stage.SPAWN,
                    e instanceof LastErrorException l ? l.getErrorCode() : Errno.ENOMEM, null,
                    "cannot watch the child: " + e.getMessage());
        }
    }

    private static int openPidfd(int pid) {
        if (!NativeSupport.hasPidfd()) {
            return -1;
        }
        try {
            return (int) LibC.syscall(LibC.SYS_pidfd_open, pid, 0, 0, 0);
        } catch (LastErrorException e) {
            return -1; // out of descriptors: watch by pid instead
        }
    }

    /**
     * Takes ownership of {@code pidfd} and the three pipe ends (any may be -1,
     * which gives a null stream) and starts watching the child. If watching
     * fails, the pipe ends are closed and the caller must {@link #abandon} it.
     */
    static NativeChildProcess start(String strategyName, int pid, int pidfd, boolean leadsGroup,
                                           int stdinFd, int stdoutFd, int stderrFd) {
        NativeChildProcess child = new NativeChildProcess(strategyName, pid, pidfd, leadsGroup,
                stdinFd, stdoutFd, stderrFd);
        try {
            Reaper.watch(child);
        } catch (RuntimeException e) {
            closeQuietly(child.stdin);
            closeQuietly(child.stdout);
            closeQuietly(child.stderr);
            throw e;
        }
        return child;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (java.io.IOException ignored) {
            // our streams' close() does not throw
        }
    }

    /**
     * Kills and reaps a child that could not be handed to the reaper, and
     * closes its pidfd; the caller still owns (and closes) its pipes.
     */
    private static void abandon(int pid, int pidfd) {
        try {
            LibC.kill(pid, Signals.SIGKILL);
            LibC.waitpid(pid, new IntByReference(), 0);
        } catch (LastErrorException ignored) {
            // already gone: nothing left to reap
        }
        if (pidfd >= 0) {
            Descriptor.closeQuietly(pidfd);
        }
    }

    private NativeChildProcess(String strategyName, int pid, int pidfd, boolean leadsGroup,
                               int stdinFd, int stdoutFd, int stderrFd) {
        this.strategyName = strategyName;
        this.pid = pid;
        this.pidfd = pidfd;
        this.leadsGroup = leadsGroup;
        this.stdin = stdinFd < 0 ? ClosedOutputStream.INSTANCE : new FdOutputStream(new Descriptor(stdinFd));
        this.stdout = stdoutFd < 0 ? InputStream.nullInputStream() : new FdInputStream(new Descriptor(stdoutFd));
        this.stderr = stderrFd < 0 ? InputStream.nullInputStream() : new FdInputStream(new Descriptor(stderrFd));
    }

    int rawPid() {
        return pid;
    }

    int pidfd() {
        return pidfd;
    }

    /** Called by the reaper once the child has been reaped. */
    void exited(ExitStatus s) {
        exitedAfter(() -> s);
    }

    /**
     * Reaps the child with {@code reap} under the lock that {@link #signal}
     * takes, so no signal can slip in between the reap and the record of it.
     */
    void exitedAfter(Supplier<ExitStatus> reap) {
        synchronized (lock) {
            status = reap.get();
            if (pidfd >= 0) {
                Descriptor.closeQuietly(pidfd);
            }
            lock.notifyAll();
        }
        // Never run users' onExit callbacks on the reaper thread: one slow
        // callback would delay every other child's exit.
        ForkJoinPool.commonPool().execute(() -> exitFuture.complete(this));
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

    @Override
    public int waitFor() throws InterruptedException {
        synchronized (lock) {
            while (status == null) {
                lock.wait();
            }
            return status.exitValue();
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            while (status == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
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
        return exitFuture.copy();
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
        signal(Signals.SIGTERM);
    }

    @Override
    public Process destroyForcibly() {
        signal(Signals.SIGKILL);
        return this;
    }

    @Override
    public boolean signal(int signal) {
        synchronized (lock) {
            if (status != null) {
                return false;
            }
            try {
                if (pidfd >= 0) {
                    LibC.syscall(LibC.SYS_pidfd_send_signal, pidfd, signal, 0, 0);
                } else {
                    LibC.kill(pid, signal);
                }
                return true;
            } catch (LastErrorException e) {
                return failedSignal(e, "signal " + pid);
            }
        }
    }

    @Override
    public boolean signalGroup(int signal) {
        if (!leadsGroup) {
            throw new IllegalStateException("process " + pid
                    + " does not lead a process group; start it with newSession() or processGroup(0)");
        }
        try {
            LibC.kill(-pid, signal);
            return true;
        } catch (LastErrorException e) {
            return failedSignal(e, "signal process group " + pid);
        }
    }

    private static boolean failedSignal(LastErrorException e, String what) {
        if (e.getErrorCode() == Errno.ESRCH) {
            return false;
        }
        if (e.getErrorCode() == Errno.EINVAL) {
            throw new IllegalArgumentException(what + ": invalid signal");
        }
        throw new IllegalStateException(what + ": " + Errno.message(e.getErrorCode())
                + " (" + Errno.name(e.getErrorCode()) + ")");
    }

    @Override
    public String strategyName() {
        return strategyName;
    }

    /** The stdin of a child whose stdin is not a pipe: every write fails, as ProcessBuilder's does. */
    private static final class ClosedOutputStream extends OutputStream {
        static final ClosedOutputStream INSTANCE = new ClosedOutputStream();

        @Override
        public void write(int b) throws java.io.IOException {
            throw new java.io.IOException("Stream closed");
        }
    }
}
