package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Signal;
import dev.safespawn.SpawnException;
import dev.safespawn.internal.Errno;

/**
 * A child this JVM started itself (posix_spawn, fork_exec): the {@link Reaper}
 * reports its end, and signals go through its pidfd (or its pid where the
 * kernel has no pidfd) only while it has not been reaped.
 */
public final class NativeChildProcess extends PipedChildProcess {
    private final int pidfd; // -1 without pidfd support; closed once reaped and no waiter polls it
    private int waiters; // guarded by lock: threads polling the pidfd in awaitExit
    private boolean watched = true; // guarded by lock: in the reaper's epoll set (adopt puts it there)
    private boolean pidfdClosed; // guarded by lock
    volatile long reaperKey; // the reaper's event-loop registration, set once before its pidfd is watched

    private NativeChildProcess(String strategyName, int pid, int pidfd, Command command,
                               DescriptorPlan.ParentEnds ends) {
        super(strategyName, pid, command, ends);
        this.pidfd = pidfd;
    }

    /**
     * Takes charge of a child a native strategy has just launched: opens its
     * pidfd, takes the parent's pipe ends from {@code plan} and hands the
     * child to the reaper. If that fails the child is killed and reaped, so a
     * failed spawn never leaves a zombie.
     */
    public static NativeChildProcess adopt(String strategyName, int pid, Command command, DescriptorPlan plan)
            throws SpawnException {
        int pidfd = openPidfd(pid);
        NativeChildProcess child = new NativeChildProcess(strategyName, pid, pidfd, command, plan.handOver());
        try {
            Reaper.watch(child);
            return child;
        } catch (RuntimeException | Error e) { // Error: OutOfMemoryError, no thread to watch it
            child.closeStreams();
            abandon(pid, pidfd);
            SpawnException failure = new SpawnException(SpawnException.Stage.SPAWN,
                    e instanceof LastErrorException l ? l.getErrorCode()
                            : e instanceof Error ? Errno.EAGAIN : Errno.ENOMEM, null,
                    "cannot watch the child: " + e);
            failure.initCause(e);
            throw failure;
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

    /** Kills and reaps a child that could not be handed to the reaper, and closes its pidfd. */
    private static void abandon(int pid, int pidfd) {
        try {
            LibC.kill(pid, Signal.KILL);
            LibC.waitpid(pid, new IntByReference(), 0);
        } catch (LastErrorException ignored) {
            // already gone: nothing left to reap
        }
        if (pidfd >= 0) {
            Descriptor.closeQuietly(pidfd);
        }
    }

    int rawPid() {
        return (int) pid();
    }

    int pidfd() {
        return pidfd;
    }

    /** Under {@link #lock}: the exit is recorded. A pidfd that a waiter still polls is closed by the last waiter. */
    @Override
    protected void released() {
        closePidfdIfUnused();
    }

    private void closePidfdIfUnused() {
        if (pidfd >= 0 && waiters == 0 && !pidfdClosed) {
            pidfdClosed = true;
            Descriptor.closeQuietly(pidfd);
        }
    }

    /**
     * Reaps the child if it has exited ({@code waitid(P_PIDFD, WNOHANG)} under
     * the lock, so its pidfd is still open and no signal can slip in).
     * Called by the reaper thread and by waiters; whoever comes first records
     * the exit. {@code info} is scratch for a {@code siginfo_t}.
     */
    void reapIfExited(Pointer info) {
        exitedIf(() -> {
            ExitStatus s = Reaper.tryReap(this, info);
            if (s != null) {
                Reaper.forget(this, watched);
                watched = false;
            }
            return s;
        });
    }

    /**
     * Whether the reaper (or a platform thread polling the pidfd) will reap
     * the child. Only after the kernel refused to watch it again is nobody
     * on it: try once more, and if that fails too the caller waits as a
     * platform thread does and reaps it itself.
     */
    @Override
    protected boolean exitIsReported() {
        synchronized (lock) {
            if (pidfd < 0 || !isAlive() || watched || waiters > 0) {
                return true;
            }
            watched = Reaper.resume(this);
            return watched;
        }
    }

    /**
     * With a pidfd, the waiting thread polls it itself and reaps the child
     * when it exits, rather than waiting for the reaper thread to do so and
     * wake it: one wake-up on the way from the child's exit to the caller
     * instead of two. While anyone waits here the reaper stops watching the
     * child, so only one thread wakes.
     */
    @Override
    protected void awaitExit(long nanos) throws InterruptedException {
        if (pidfd < 0) {
            super.awaitExit(nanos);
            return;
        }
        // One block for poll's pollfds and waitid's siginfo_t.
        try (Memory scratch = new Memory(InterruptiblePoll.SCRATCH_SIZE + LibC.SIGINFO_T_SIZE)) {
            int fd = enterExitWait();
            if (fd < 0) {
                return;
            }
            try {
                InterruptiblePoll.awaitReadable(fd, nanos < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE,
                        (nanos + 999_999) / 1_000_000), scratch);
            } finally {
                leaveExitWait(scratch.share(InterruptiblePoll.SCRATCH_SIZE));
            }
        }
    }

    /**
     * Starts a wait of this thread's own on the pidfd: the reaper stops
     * watching the child while anyone waits so, and only the waiter wakes.
     *
     * @return the pidfd to poll; -1 if there is none or the child has ended
     */
    @Override
    int enterExitWait() {
        synchronized (lock) {
            if (pidfd < 0 || !isAlive()) {
                return -1;
            }
            if (waiters++ == 0 && watched) {
                Reaper.pause(this);
                watched = false;
            }
            return pidfd;
        }
    }

    /** Ends a wait {@link #enterExitWait()} started: reaps the child if it has exited, else hands it back to the reaper. */
    @Override
    void leaveExitWait(Pointer siginfo) {
        synchronized (lock) {
            waiters--;
            if (isAlive()) {
                reapIfExited(siginfo);
            }
            if (!isAlive()) {
                closePidfdIfUnused();
            } else if (waiters == 0) {
                watched = Reaper.resume(this);
            }
        }
    }

    @Override
    boolean endedDuringExitWait(Pointer siginfo) {
        synchronized (lock) {
            if (isAlive()) {
                reapIfExited(siginfo);
            }
            return !isAlive();
        }
    }

    /** Signals through the pidfd, under the lock the reaper records the exit with: never after reaping. */
    @Override
    public boolean signal(int signal) {
        synchronized (lock) {
            if (!isAlive()) {
                return false;
            }
            try {
                if (pidfd >= 0) {
                    LibC.syscall(LibC.SYS_pidfd_send_signal, pidfd, signal, 0, 0);
                } else {
                    LibC.kill(rawPid(), signal);
                }
                return true;
            } catch (LastErrorException e) {
                return SignalErrors.delivered(e.getErrorCode(), "process " + pid());
            }
        }
    }

    @Override
    public boolean signalGroup(int signal) {
        requireGroupLeader();
        try {
            LibC.kill(-rawPid(), signal);
            return true;
        } catch (LastErrorException e) {
            return SignalErrors.delivered(e.getErrorCode(), "process group " + pid());
        }
    }
}
