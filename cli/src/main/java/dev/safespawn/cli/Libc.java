package dev.safespawn.cli;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.Optional;

/**
 * The glibc calls the CLI makes itself, bound with JNA the way an application
 * would bind them: safespawn's own bindings are internal to the library. They
 * serve the wake-up pipe demo's deliberately unsafe launcher and the leaky
 * pipe the doctor and the demo hold; spawning goes through the public API.
 *
 * <p>Direct mapping: names and signatures are C's (64-bit Linux, so
 * {@code size_t} and {@code ssize_t} are {@code long}). Calls that report
 * failure through errno declare {@link LastErrorException}; {@code posix_spawn}
 * returns its error number instead. Loading this class fails where there is no
 * usable C library; ask {@link Availability#problem()} first.
 */
final class Libc {
    static {
        Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private Libc() {
    }

    // <asm-generic/errno-base.h>: the same number on every Linux architecture
    /** Interrupted system call. */
    static final int EINTR = 4;

    // <unistd.h>
    static native int pipe2(int[] pipefd, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    static native int getpid();

    // <spawn.h>: returns the error number; null file actions and attributes mean "inherit everything".
    static native int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attrp,
                                  Pointer argv, Pointer envp);

    // <sys/stat.h>
    static native int mkfifo(String path, int mode) throws LastErrorException;

    // <signal.h>
    static native int kill(int pid, int sig) throws LastErrorException;

    // <sys/wait.h>
    static native int waitpid(int pid, IntByReference wstatus, int options) throws LastErrorException;

    // <string.h>: glibc's text for every known errno is a constant string, so this is safe from any thread.
    static native String strerror(int errnum);

    /**
     * An error number in words, such as {@code No such file or directory
     * (ENOENT)}: the name comes from {@code strerrorname_np} (glibc 2.32), looked
     * up rather than bound so that an older glibc still gets the text.
     */
    static String describe(int errno) {
        return strerror(errno) + " (" + errnoName(errno).orElse("errno " + errno) + ")";
    }

    private static Optional<String> errnoName(int errno) {
        try {
            return Optional.ofNullable(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME)
                    .getFunction("strerrorname_np").invokeString(new Object[] {errno}, false));
        } catch (UnsatisfiedLinkError e) { // glibc before 2.32
            return Optional.empty();
        }
    }

    /**
     * Whether {@link Libc} can be loaded, asked without loading it: this class
     * is initialised on its own, and only touches {@link Libc} inside a catch.
     */
    static final class Availability {
        private static final String PROBLEM = check();

        private Availability() {
        }

        private static String check() {
            if (!Platform.isLinux() || !Platform.is64Bit()) {
                return "needs 64-bit Linux, this is " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch");
            }
            try {
                getpid();
                return null;
            } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
                return "cannot load the C library through JNA: " + e;
            }
        }

        /** Why the C library cannot be used here, or empty if it can. */
        static Optional<String> problem() {
            return Optional.ofNullable(PROBLEM);
        }
    }
}
