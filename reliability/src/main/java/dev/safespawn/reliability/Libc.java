package dev.safespawn.reliability;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The libc calls the campaign makes: descriptors opened the way careless
 * native code does, with no {@code O_CLOEXEC} (the ones a launcher must not
 * hand to a child), and the resource limits the fault scenarios lower and put
 * back. Linux x86_64 and aarch64 values.
 */
final class Libc {
    static {
        Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private Libc() {
    }

    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 02000000;
    static final int F_GETFD = 1;
    static final int RLIMIT_NPROC = 6;
    static final int RLIMIT_NOFILE = 7;
    static final int RLIMIT_AS = 9;

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int socketpair(int domain, int type, int protocol, int[] fds) throws LastErrorException;

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

    /** {@code rlimit} receives {rlim_cur, rlim_max}. */
    static native int getrlimit(int resource, long[] rlimit) throws LastErrorException;

    /** A named pipe: a worker JVM opening it tells the campaign it has reached a point, with no sleep. */
    static native int mkfifo(String path, int mode) throws LastErrorException;

    /**
     * Reads and/or sets a resource limit of process {@code pid} (0: this one).
     * Each array is {@code {soft, hard}} (a {@code struct rlimit}); null leaves it out.
     */
    static native int prlimit(int pid, int resource, long[] newLimit, long[] oldLimit) throws LastErrorException;

    static native int getuid();
}
