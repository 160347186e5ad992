package dev.safespawn.strategies.internal;

import com.sun.jna.Function;
import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import dev.safespawn.internal.Errno;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What this machine's libc and kernel offer, detected once at run time by
 * symbol look-up and by trying system calls (never by version strings).
 * Thread-safe; every answer is computed on first use and cached.
 */
public final class NativeSupport {
    private static final long SYS_close_range = 436;
    /**
     * Test switch, not API: set to {@code false} (the pom's
     * posix-spawn-without-pidfd test run does) to ignore pidfds and use the
     * per-child waiting fallback, as on kernels before 5.3, which a new
     * kernel cannot reach otherwise. Pure Java, so nothing native ships for it.
     */
    private static final String PIDFD_PROPERTY = "safespawn.internal.pidfd";

    private NativeSupport() {
    }

    private static final class Libc {
        static final String UNAVAILABLE = check();

        private static String check() {
            if (!Platform.isLinux()) {
                return "needs Linux, this is " + System.getProperty("os.name");
            }
            if (!Platform.is64Bit()) {
                return "needs a 64-bit JVM";
            }
            try {
                LibC.getpid();
                return null;
            } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
                return "cannot load the C library through JNA: " + e;
            }
        }
    }

    private static final class Kernel {
        static final boolean PIDFD = probePidfd();
        static final boolean CLOSE_RANGE = probeCloseRange();

        private static boolean probePidfd() {
            if ("false".equals(System.getProperty(PIDFD_PROPERTY))) {
                return false;
            }
            try {
                int fd = (int) LibC.syscall(LibC.SYS_pidfd_open, LibC.getpid(), 0, 0, 0);
                LibC.close(fd);
                return true;
            } catch (LastErrorException e) {
                return false; // ENOSYS before Linux 5.3, or a seccomp filter saying no
            }
        }

        private static boolean probeCloseRange() {
            try {
                // first > last is invalid: EINVAL proves the call exists without closing anything.
                LibC.syscall(SYS_close_range, 2, 1, 0, 0);
                return true;
            } catch (LastErrorException e) {
                return e.getErrorCode() == Errno.EINVAL;
            }
        }
    }

    /** Why libc cannot be used here, or empty if it can. */
    public static Optional<String> libcUnavailability() {
        return Optional.ofNullable(Libc.UNAVAILABLE);
    }

    /** Whether libc exports {@code symbol}. False when libc itself is unusable. */
    public static boolean hasSymbol(String symbol) {
        if (Libc.UNAVAILABLE != null) {
            return false;
        }
        try {
            NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction(symbol);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** Whether {@code pidfd_open(2)} works (Linux 5.3). */
    public static boolean hasPidfd() {
        return Libc.UNAVAILABLE == null && Kernel.PIDFD;
    }

    /** Whether {@code close_range(2)} works (Linux 5.9). */
    public static boolean hasCloseRange() {
        return Libc.UNAVAILABLE == null && Kernel.CLOSE_RANGE;
    }

    /** glibc's version string, when the libc is glibc. */
    public static Optional<String> glibcVersion() {
        if (!hasSymbol("gnu_get_libc_version")) {
            return Optional.empty();
        }
        Function f = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("gnu_get_libc_version");
        return Optional.ofNullable(f.invokeString(new Object[0], false));
    }

    /** Every detected fact, named as in the kernel and libc, for diagnostics. */
    public static Map<String, Boolean> features() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("close_range", hasCloseRange());
        m.put("pidfd_open", hasPidfd());
        m.put("posix_spawn_file_actions_addclosefrom_np", hasSymbol("posix_spawn_file_actions_addclosefrom_np"));
        m.put("posix_spawn_file_actions_addchdir_np", hasSymbol("posix_spawn_file_actions_addchdir_np"));
        return m;
    }
}
