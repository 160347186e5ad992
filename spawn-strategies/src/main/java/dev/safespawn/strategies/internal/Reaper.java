package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.ExitStatus;
import dev.safespawn.internal.Errno;

/**
 * Notices children's exits and reaps them.
 *
 * <p>With pidfds (Linux 5.3+) the {@link EventLoop} watches every child's
 * pidfd and, when one turns readable, reaps that child with
 * {@code waitid(P_PIDFD)}. A child some platform thread is blocked in
 * {@code waitFor} on is taken out of the epoll set meanwhile: that thread
 * polls the pidfd and reaps the child itself (see
 * {@link NativeChildProcess#reapIfExited}, the one place either side reaps).
 * It reaps only pids the library started, never {@code waitpid(-1)}, so
 * other code's children are untouched.
 *
 * <p>Fallback without pidfds: one short-lived thread per child waits with
 * {@code waitid(P_PID, WNOWAIT)}, which leaves the child a zombie so its pid
 * cannot be recycled, then reaps it under the child's lock, so a signal racing
 * with the exit can never reach a stranger.
 */
final class Reaper {
    private static final int SI_CODE = 8;
    private static final int SI_PID = 16;
    private static final int SI_STATUS = 24;

    private static final System.Logger LOG = System.getLogger(Reaper.class.getName());
    private static final EventLoop LOOP = EventLoop.INSTANCE;

    private Reaper() {
    }

    static void watch(NativeChildProcess child) {
        if (child.pidfd() >= 0) {
            child.reaperKey = LOOP.register(child::reapIfExited); // before any event can reap it
            try {
                LOOP.watch(child.reaperKey, child.pidfd(), LibC.EPOLLIN);
            } catch (RuntimeException e) {
                LOOP.unregister(child.reaperKey);
                throw e;
            }
        } else {
            LibraryThreads.daemon(() -> waitWithoutPidfd(child), "safespawn-wait-" + child.rawPid()).start();
        }
    }

    /** Under the child's lock: a thread waits for the child itself, so the reaper stops watching it. */
    static void pause(NativeChildProcess child) {
        LOOP.unwatch(child.pidfd());
    }

    /**
     * Under the child's lock, the child still running: nobody waits for it
     * any more, so the reaper watches it again.
     *
     * @return whether it does; if not (the kernel is out of memory), the
     *         child is reaped by whoever waits for it next
     */
    static boolean resume(NativeChildProcess child) {
        try {
            LOOP.watch(child.reaperKey, child.pidfd(), LibC.EPOLLIN);
            return true;
        } catch (LastErrorException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot watch child {0} again ({1}); it is reaped when next"
                    + " waited for", child.rawPid(), Errno.name(e.getErrorCode()));
            return false;
        }
    }

    /** Under the child's lock, once it is reaped and before its pidfd closes: forget it. */
    static void forget(NativeChildProcess child, boolean watched) {
        if (watched) {
            LOOP.unwatch(child.pidfd());
        }
        LOOP.unregister(child.reaperKey);
    }

    /**
     * Under the child's lock, the child not yet recorded (so its pidfd is
     * open and its own): reaps it if it has exited.
     *
     * @return how it ended, or null if it still runs (or EINTR: the caller tries again later)
     */
    static ExitStatus tryReap(NativeChildProcess child, Pointer info) {
        info.clear(LibC.SIGINFO_T_SIZE);
        try {
            LibC.waitid(LibC.P_PIDFD, child.pidfd(), info, LibC.WEXITED | LibC.WNOHANG);
        } catch (LastErrorException e) {
            return e.getErrorCode() == Errno.EINTR ? null : reapedElsewhere(child);
        }
        if (info.getInt(SI_PID) == 0) {
            return null;
        }
        return decode(info.getInt(SI_CODE), info.getInt(SI_STATUS));
    }

    /**
     * ECHILD: someone else reaped the child (a {@code waitpid(-1)} elsewhere in
     * the process, or SIGCHLD set to SIG_IGN) and its status is lost. Reported
     * as lost, never as a made-up exit code.
     */
    private static ExitStatus reapedElsewhere(NativeChildProcess child) {
        LOG.log(System.Logger.Level.WARNING, "child {0} was reaped outside safespawn; its exit status is lost",
                child.rawPid());
        return ExitStatus.lost("the child (pid " + child.rawPid() + ") was reaped outside safespawn (a wait"
                + " elsewhere in the process, or SIGCHLD ignored), so its exit status is unknown");
    }

    private static ExitStatus decode(int siCode, int siStatus) {
        return siCode == LibC.CLD_EXITED ? ExitStatus.exited(siStatus & 0xff) : ExitStatus.killedBy(siStatus);
    }

    private static void waitWithoutPidfd(NativeChildProcess child) {
        try (Memory info = new Memory(LibC.SIGINFO_T_SIZE)) {
            while (true) {
                try {
                    LibC.waitid(LibC.P_PID, child.rawPid(), info, LibC.WEXITED | LibC.WNOWAIT);
                    break;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Errno.EINTR) {
                        child.exited(reapedElsewhere(child));
                        return;
                    }
                }
            }
        }
        child.exitedIf(() -> {
            IntByReference status = new IntByReference();
            try {
                LibC.waitpid(child.rawPid(), status, 0);
            } catch (LastErrorException e) {
                return reapedElsewhere(child); // reaped between the look and the reap
            }
            int s = status.getValue();
            return (s & 0x7f) == 0 ? ExitStatus.exited((s >> 8) & 0xff) : ExitStatus.killedBy(s & 0x7f);
        });
    }
}
