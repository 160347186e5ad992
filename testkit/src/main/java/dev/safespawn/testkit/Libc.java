package dev.safespawn.testkit;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls the conformance suite makes in the parent, bound here so
 * that the test kit needs nothing but the public API and JNA. Names and
 * signatures are those of C; numbers are Linux's, the same on x86-64 and
 * aarch64.
 */
final class Libc {
    static {
        Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private Libc() {
    }

    // <fcntl.h>
    static final int O_CLOEXEC = 02000000;
    static final int F_GETFD = 1;
    static final int FD_CLOEXEC = 1;
    // <poll.h>
    static final short POLLIN = 0x1;
    // <signal.h>: SIG_BLOCK for pthread_sigmask; sigset_t is 1024 bits in glibc.
    // Signal numbers are the public dev.safespawn.Signal's.
    static final int SIG_BLOCK = 0;
    static final int SIGSET_T_SIZE = 128;
    // <asm/unistd.h>: the generic number, shared by x86-64 and aarch64
    static final long SYS_pidfd_open = 434;
    static final long SYS_pidfd_send_signal = 424;
    // <sys/resource.h>: struct rlimit is {rlim_cur, rlim_max}, two 64-bit values
    static final int RLIMIT_NOFILE = 7;

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    static native int getrlimit(int resource, long[] rlim) throws LastErrorException;

    static native int setrlimit(int resource, long[] rlim) throws LastErrorException;

    static native long syscall(long number, long a, long b, long c, long d) throws LastErrorException;

    static native int sigemptyset(Pointer set);

    static native int sigaddset(Pointer set, int sig);

    static native int pthread_sigmask(int how, Pointer set, Pointer oldset);

    /** {@code signal(2)}; handler {@code SIG_DFL} is {@code Pointer.createConstant(0)}, {@code SIG_IGN} is 1. */
    static native Pointer signal(int sig, Pointer handler);
}
