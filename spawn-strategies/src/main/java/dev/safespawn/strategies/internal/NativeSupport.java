package dev.safespawn.strategies.internal;

import com.sun.jna.Function;
import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import dev.safespawn.internal.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

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
    /**
     * Test switch, not API: set to {@code false} (the pom's old-kernel test
     * run does) to report close_range missing, as on kernels before 5.9. The
     * C side never asks Java: what makes its fallbacks run is the test
     * builds' own switch (see child_setup.h).
     */
    private static final String CLOSE_RANGE_PROPERTY = "safespawn.internal.close_range";
    /**
     * Test switch, not API: a comma-separated list of C library symbols to
     * report missing (the pom's without-addclosefrom test run hides glibc
     * 2.34's {@code posix_spawn_file_actions_addclosefrom_np}, as on glibc
     * 2.28 to 2.33), so an older libc's routing runs on a new one. Pure Java.
     */
    private static final String LIBC_HIDE_PROPERTY = "safespawn.internal.libc.hide";
    /**
     * The libc functions a native strategy may rely on, with the first glibc
     * that has each: the one home of those versions, for messages and doctor.
     */
    private static final Map<String, String> GLIBC_SINCE = glibcSince();

    private static Map<String, String> glibcSince() {
        Map<String, String> m = new LinkedHashMap<>(); // in the order diagnostics lists them
        m.put("posix_spawn_file_actions_addclosefrom_np", "2.34");
        m.put("posix_spawn_file_actions_addchdir_np", "2.29");
        return Collections.unmodifiableMap(m);
    }

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
            if ("false".equals(System.getProperty(CLOSE_RANGE_PROPERTY))) {
                return false;
            }
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
        if (Libc.UNAVAILABLE != null || isHidden(symbol)) {
            return false;
        }
        try {
            NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction(symbol);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static boolean isHidden(String symbol) {
        String hidden = System.getProperty(LIBC_HIDE_PROPERTY, "");
        return !hidden.isBlank() && Stream.of(hidden.split(",")).map(String::trim).anyMatch(symbol::equals);
    }

    /**
     * Why {@code symbol} is missing, for a message that goes on "the C library
     * lacks symbol": the glibc version that has it, and the test switch when
     * that is what hides it.
     */
    public static String whyMissing(String symbol) {
        String since = GLIBC_SINCE.containsKey(symbol) ? "glibc " + GLIBC_SINCE.get(symbol) + " or later has it"
                : "which glibc has it is not known here";
        return isHidden(symbol) ? since + "; hidden by " + LIBC_HIDE_PROPERTY : since;
    }

    /** Whether {@code pidfd_open(2)} works (Linux 5.3). */
    public static boolean hasPidfd() {
        return Libc.UNAVAILABLE == null && Kernel.PIDFD;
    }

    /** Whether {@code close_range(2)} works (Linux 5.9). */
    public static boolean hasCloseRange() {
        return Libc.UNAVAILABLE == null && Kernel.CLOSE_RANGE;
    }

    /** The C library families whose builds this jar may carry. */
    public enum LibcFamily {
        GLIBC, MUSL, UNKNOWN
    }

    private static final class Family {
        static final LibcFamily DETECTED = detect();

        /**
         * glibc answers to its own {@code gnu_get_libc_version}; musl has no
         * such call, so it is recognised by its dynamic loader
         * ({@code ld-musl-<arch>.so.1}) or {@code libc.musl-<arch>.so.1}
         * mapped into this process. Never by the OS name or a release file:
         * a glibc JVM on Alpine with gcompat is still a glibc process.
         */
        private static LibcFamily detect() {
            if (Libc.UNAVAILABLE != null) {
                return LibcFamily.UNKNOWN;
            }
            if (hasSymbol("gnu_get_libc_version")) {
                return LibcFamily.GLIBC;
            }
            try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
                return maps.anyMatch(NativeSupport::mapsMusl) ? LibcFamily.MUSL : LibcFamily.UNKNOWN;
            } catch (IOException | UncheckedIOException e) {
                return LibcFamily.UNKNOWN;
            }
        }
    }

    /** Whether a line of {@code /proc/<pid>/maps} maps musl's loader or C library. */
    public static boolean mapsMusl(String line) {
        String file = line.substring(line.lastIndexOf('/') + 1);
        return file.startsWith("ld-musl-") || file.startsWith("libc.musl-");
    }

    /** The C library this JVM runs on, detected as {@link Family#detect()} says. */
    public static LibcFamily libcFamily() {
        return Family.DETECTED;
    }

    /** glibc's version string, when the libc is glibc. */
    public static Optional<String> glibcVersion() {
        if (!hasSymbol("gnu_get_libc_version")) {
            return Optional.empty();
        }
        Function f = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("gnu_get_libc_version");
        return Optional.ofNullable(f.invokeString(new Object[0], false));
    }

    /**
     * Every detected fact about this machine, named as in
     * {@link dev.safespawn.spi.SpawnStrategy#diagnostics()}: {@code libc.version}
     * first, then the kernel's and libc's features each native strategy relies
     * on, as {@code yes}, or {@code no} with why in brackets (what would have
     * it, or the test switch that hides it). When libc cannot be used at all,
     * {@code libc.version} says why and nothing else is claimed.
     *
     * @return a new modifiable map, in reading order, for the caller to add its own facts to
     */
    public static Map<String, String> diagnostics() {
        Map<String, String> m = new LinkedHashMap<>();
        if (Libc.UNAVAILABLE != null) {
            m.put("libc.version", "unknown (" + Libc.UNAVAILABLE + ")");
            return m;
        }
        m.put("libc.version", glibcVersion().map(v -> "glibc " + v).orElse(
                libcFamily() == LibcFamily.MUSL ? "musl" : "unknown (neither glibc nor musl)"));
        m.put("kernel.close_range", kernelFeature(hasCloseRange(), CLOSE_RANGE_PROPERTY,
                "Linux 5.9 or later has it; children close descriptors by scanning /proc/self/fd instead"));
        m.put("kernel.pidfd_open", kernelFeature(hasPidfd(), PIDFD_PROPERTY,
                "Linux 5.3 or later has it; each child is watched by its pid instead"));
        for (String symbol : GLIBC_SINCE.keySet()) {
            m.put("libc." + symbol, hasSymbol(symbol) ? "yes" : "no (" + whyMissing(symbol) + ")");
        }
        return m;
    }

    /** yes, or no and why: the test switch when it is what says no, else what would have it. */
    private static String kernelFeature(boolean present, String property, String otherwise) {
        if (present) {
            return "yes";
        }
        return "false".equals(System.getProperty(property)) ? "no (" + property + "=false)" : "no (" + otherwise + ")";
    }
}
