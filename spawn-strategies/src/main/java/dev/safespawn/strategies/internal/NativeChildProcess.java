package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.internal.Errno;
import dev.safespawn.internal.Signals;

/**
 * A child this JVM started itself (posix_spawn, fork_exec): the {@link Reaper}
 * reports its end, and signals go through its pidfd (or its pid where the
 * kernel has no pidfd) only while it has not been reaped.
 */
public final class NativeChildProcess extends PipedChildProcess {
    private final int pidfd; // -1 without pidfd support; closed once reaped

    private NativeChildProcess(String strategyName, int pid, int pidfd, Command command,
                               DescriptorPlan.ParentEnds ends) {
        super(strategyName, pid, leadsGroup(command), ends, command.pipes());
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
        } catch (RuntimeException e) {
            child.closeStreams();
            abandon(pid, pidfd);
            throw new SpawnException(SpawnException.Stage.SPAWN,
                    e instanceof LastErrorException l ? l.getErrorCode() : Errno.ENOMEM, null,
                    "cannot watch the child: " + e.getMessage());
        }
    }

    /** Whether {@code command} makes its child lead a process group. */
    public static boolean leadsGroup(Command command) {
        return command.newSession() || command.processGroup().orElse(-1) == 0;
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
            LibC.kill(pid, Signals.SIGKILL);
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

    @Override
    protected void released() {
        if (pidfd >= 0) {
            Descriptor.closeQuietly(pidfd);
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
