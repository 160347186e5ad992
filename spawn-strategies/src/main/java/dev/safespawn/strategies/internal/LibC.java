package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * Direct-mapped glibc calls, named and typed as in C (64-bit Linux: size_t and
 * ssize_t are {@code long}). Calls that report failure through errno declare
 * {@link LastErrorException}; the {@code posix_spawn*} family returns its error
 * number instead and declares nothing.
 *
 * <p>Only symbols every supported glibc has live here, because direct mapping
 * fails as a whole when one symbol is missing; the optional {@code *_np} calls
 * are in {@link LibCSpawnExtensions}. Loading this class fails on a machine
 * without glibc; {@link NativeSupport} catches that and reports why.
 */
public final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    // <fcntl.h>, <bits/fcntl-linux.h> (same values on x86-64 and aarch64)
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_DUPFD = 0;
    public static final int F_SETPIPE_SZ = 1031;
    public static final int FD_CLOEXEC = 1;
    // <asm/fcntl.h>: these two differ, aarch64 having its own numbers
    private static final boolean AARCH64 = "aarch64".equals(Platform.ARCH);
    public static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    public static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    // <asm-generic/ioctls.h>
    public static final int FIONREAD = 0x541B;
    // <poll.h>
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    // <sys/eventfd.h>
    public static final int EFD_NONBLOCK = O_NONBLOCK;
    public static final int EFD_CLOEXEC = O_CLOEXEC;
    // <sys/epoll.h>
    public static final int EPOLL_CLOEXEC = O_CLOEXEC;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 0x1;
    public static final int EPOLLOUT = 0x4;
    public static final int EPOLLONESHOT = 1 << 30;
    // <sys/wait.h>, <bits/waitflags.h>
    public static final int P_PID = 1;
    public static final int P_PIDFD = 3;
    public static final int WNOHANG = 1;
    public static final int WEXITED = 4;
    public static final int WNOWAIT = 0x01000000;
    // <bits/siginfo-consts.h>: si_code of SIGCHLD
    public static final int CLD_EXITED = 1;
    public static final int CLD_KILLED = 2;
    public static final int CLD_DUMPED = 3;
    // <bits/sigaction.h>
    public static final int SIG_BLOCK = 0;
    public static final int SIG_UNBLOCK = 1;
    public static final int SIG_SETMASK = 2;
    // <spawn.h>
    public static final short POSIX_SPAWN_SETPGROUP = 0x02;
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    public static final short POSIX_SPAWN_SETSID = 0x80;
    // <asm-generic/unistd.h>: numbers shared by every architecture since 5.1
    public static final long SYS_pidfd_send_signal = 424;
    public static final long SYS_pidfd_open = 434;

    /** sizeof(sigset_t) in glibc. */
    public static final int SIGSET_T_SIZE = 128;
    /** sizeof(siginfo_t). */
    public static final int SIGINFO_T_SIZE = 128;
    /** Generous upper bounds of glibc's posix_spawn_file_actions_t (80) and posix_spawnattr_t (336). */
    public static final int FILE_ACTIONS_T_SIZE = 128;
    public static final int SPAWNATTR_T_SIZE = 512;

    // <unistd.h>, <fcntl.h>
    public static native int pipe2(int[] fds, int flags) throws LastErrorException;
    public static native int close(int fd) throws LastErrorException;
    public static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;
    public static native int open(String path, int flags, int mode) throws LastErrorException;
    public static native int openat(int dirfd, String path, int flags, int mode) throws LastErrorException;
    public static native long read(int fd, Pointer buf, long count) throws LastErrorException;
    public static native long write(int fd, Pointer buf, long count) throws LastErrorException;
    public static native int ioctl(int fd, long request, IntByReference arg) throws LastErrorException;
    public static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;
    public static native int eventfd(int initval, int flags) throws LastErrorException;
    public static native int getpid();

    // <sys/resource.h>: struct rlimit is two 64-bit values
    public static final int RLIMIT_NOFILE = 7;
    public static native int getrlimit(int resource, Pointer rlim) throws LastErrorException;
    public static native int setrlimit(int resource, Pointer rlim) throws LastErrorException;

    // <signal.h>
    public static native int kill(int pid, int sig) throws LastErrorException;
    public static native int sigemptyset(Pointer set);
    public static native int sigfillset(Pointer set);
    public static native int sigaddset(Pointer set, int sig);
    public static native int sigismember(Pointer set, int sig);
    /** Returns the error number, like the posix_spawn family. */
    public static native int pthread_sigmask(int how, Pointer set, Pointer oldset);
    /** {@code signal(2)}; handler {@code SIG_DFL} is {@code Pointer.createConstant(0)}, {@code SIG_IGN} is 1. */
    public static native Pointer signal(int sig, Pointer handler);

    // <sys/socket.h>, <bits/socket.h>
    public static final int AF_UNIX = 1;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    public static final int SOL_SOCKET = 1;
    public static final int SCM_RIGHTS = 1;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int SHUT_RDWR = 2;
    public static native int socketpair(int domain, int type, int protocol, int[] sv) throws LastErrorException;
    /** {@code struct msghdr} is 56 bytes on 64-bit Linux. */
    public static native long sendmsg(int fd, Pointer msghdr, int flags) throws LastErrorException;
    public static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;
    public static native int shutdown(int fd, int how) throws LastErrorException;

    // <sys/wait.h>
    public static native int waitid(int idtype, int id, Pointer infop, int options) throws LastErrorException;
    public static native int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

    // <sys/epoll.h>
    public static native int epoll_create1(int flags) throws LastErrorException;
    public static native int epoll_ctl(int epfd, int op, int fd, Pointer event) throws LastErrorException;
    public static native int epoll_wait(int epfd, Pointer events, int maxevents, int timeout)
            throws LastErrorException;

    // <unistd.h>: syscall(2) with a fixed arity; the kernel ignores surplus arguments.
    public static native long syscall(long number, long a, long b, long c, long d) throws LastErrorException;

    // <spawn.h>
    public static native int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attrp,
                                         Pointer argv, Pointer envp);
    public static native int posix_spawn_file_actions_init(Pointer fileActions);
    public static native int posix_spawn_file_actions_destroy(Pointer fileActions);
    public static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newfd);
    public static native int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);
    public static native int posix_spawnattr_init(Pointer attr);
    public static native int posix_spawnattr_destroy(Pointer attr);
    public static native int posix_spawnattr_setflags(Pointer attr, short flags);
    public static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);
    public static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);
    public static native int posix_spawnattr_setpgroup(Pointer attr, int pgroup);
}
