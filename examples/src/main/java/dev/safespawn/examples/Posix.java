package dev.safespawn.examples;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls the examples need to make descriptors of their own, bound
 * with JNA as an application would (safespawn's own bindings are internal).
 * Linux x86-64 and aarch64 values. Each call throws {@link LastErrorException}
 * with the errno on failure.
 */
final class Posix {
    static {
        Native.register(Posix.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    /** {@code O_CLOEXEC}: every descriptor a careful program creates should be born with it. */
    static final int O_CLOEXEC = 02000000;
    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = O_CLOEXEC;
    /** {@code sizeof(struct sockaddr_in)}. */
    static final int SOCKADDR_IN_SIZE = 16;

    private Posix() {
    }

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, Pointer addr, int addrlen) throws LastErrorException;

    static native int listen(int fd, int backlog) throws LastErrorException;

    static native int getsockname(int fd, Pointer addr, IntByReference addrlen) throws LastErrorException;

    /** Closes {@code fd}, ignoring errors: for clean-up paths where the descriptor is gone either way. */
    static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException ignored) {
            // Linux releases the descriptor even when close reports an error; retrying could close someone else's.
        }
    }
}
