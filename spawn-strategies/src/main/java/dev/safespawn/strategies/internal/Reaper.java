package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.ExitStatus;
import dev.safespawn.internal.Errno;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notices children's exits and reaps them.
 *
 * <p>With pidfds (Linux 5.3+) one daemon thread serves every child: it waits
 * in {@code epoll_wait} on all their pidfds, reaps each with
 * {@code waitid(P_PIDFD)}, and leaves after five idle seconds with no child to
 * watch (the next spawn starts it again). A child some thread is blocked in
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
    private static final int IDLE_MILLIS = 5_000;
    private static final int MAX_EVENTS = 64;
    // struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16).
    private static final int EVENT_SIZE = Platform.isIntel() ? 12 : 16;
    private static final int EVENT_DATA_OFFSET = Platform.isIntel() ? 4 : 8;
    private static final int SI_CODE = 8;
    private static final int SI_PID = 16;
    private static final int SI_STATUS = 24;

    private static final System.Logger LOG = System.getLogger(Reaper.class.getName());
    private static final Reaper INSTANCE = new Reaper();

    private final Map<Integer, NativeChildProcess> byPidfd = new ConcurrentHashMap<>();
    private int epfd = -1; // guarded by this; lives as long as the JVM, close-on-exec
    private Thread thread; // guarded by this

    private Reaper() {
    }

    static void watch(NativeChildProcess child) {
        if (child.pidfd() >= 0) {
            INSTANCE.watchPidfd(child);
        } else {
            Thread t = new Thread(() -> waitWithoutPidfd(child), "safespawn-wait-" + child.rawPid());
            t.setDaemon(true);
            t.start();
        }
    }

    private void watchPidfd(NativeChildProcess child) {
        byPidfd.put(child.pidfd(), child);
        synchronized (this) {
            if (epfd < 0) {
                epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
            }
            if (thread == null) {
                thread = new Thread(this::run, "safespawn-reaper");
                thread.setDaemon(true);
                thread.start();
            }
        }
        addToEpoll(child);
    }

    private void addToEpoll(NativeChildProcess child) {
        int ep;
        synchronized (this) {
            ep = epfd;
        }
        try (Memory ev = new Memory(16)) {
            ev.clear();
            ev.setInt(0, LibC.EPOLLIN);
            ev.setLong(EVENT_DATA_OFFSET, child.pidfd());
            LibC.epoll_ctl(ep, LibC.EPOLL_CTL_ADD, child.pidfd(), ev);
        }
    }

    private void removeFromEpoll(NativeChildProcess child) {
        int ep;
        synchronized (this) {
            ep = epfd;
        }
        try {
            LibC.epoll_ctl(ep, LibC.EPOLL_CTL_DEL, child.pidfd(), null);
        } catch (LastErrorException ignored) {
            // closing the pidfd takes it out of the set anyway
        }
    }

    /** Under the child's lock: a thread waits for the child itself, so the reaper stops watching it. */
    static void pause(NativeChildProcess child) {
        INSTANCE.removeFromEpoll(child);
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
            INSTANCE.addToEpoll(child);
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
            INSTANCE.removeFromEpoll(child);
        }
        INSTANCE.byPidfd.remove(child.pidfd(), child);
    }

    private void run() {
        int ep;
        synchronized (this) {
            ep = epfd;
        }
        try (Memory events = new Memory((long) EVENT_SIZE * MAX_EVENTS);
             Memory info = new Memory(LibC.SIGINFO_T_SIZE)) {
            while (true) {
                int n;
                try {
                    n = LibC.epoll_wait(ep, events, MAX_EVENTS, byPidfd.isEmpty() ? IDLE_MILLIS : -1);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Errno.EINTR) {
                        continue;
                    }
                    throw e;
                }
                for (int i = 0; i < n; i++) {
                    reap((int) events.getLong((long) i * EVENT_SIZE + EVENT_DATA_OFFSET), info);
                }
                if (n == 0) {
                    synchronized (this) {
                        if (byPidfd.isEmpty()) {
                            thread = null;
                            return;
                        }
                    }
                }
            }
        }
    }

    private void reap(int pidfd, Memory info) {
        NativeChildProcess child = byPidfd.get(pidfd);
        if (child != null) {
            child.reapIfExited(info);
        }
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
