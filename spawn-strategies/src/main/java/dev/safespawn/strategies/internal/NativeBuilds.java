package dev.safespawn.strategies.internal;

import com.sun.jna.Platform;
import dev.safespawn.strategies.internal.NativeSupport.LibcFamily;

/**
 * Which of the jar's native builds this JVM uses. Under JNA's resource prefix
 * for the architecture ({@code linux-x86-64/}, {@code linux-aarch64/}) the jar
 * carries the shim and the zygote server built against glibc and, where the
 * build machine had musl (x86-64), {@value #STATIC_ZYGOTE_FILE}: the server
 * linked statically with musl, which runs on any Linux of its architecture
 * whatever C library the host has. Under {@code <prefix>-musl/} it carries the
 * shim built against musl, for a JVM that runs on musl (Alpine).
 *
 * <p>The build is chosen by the C library detected in this process
 * ({@link NativeSupport#libcFamily()}), never from the OS name: glibc gets
 * the glibc shim, which needs glibc 2.17 at most, and the glibc server from
 * glibc {@value #GLIBC_FOR_DYNAMIC_ZYGOTE} on (built on a newer glibc it needs
 * that version's {@code __libc_start_main}), the static server before; musl
 * gets the musl shim and the static server; a C library that is neither gets
 * the glibc shim (its ABI check still guards the load) and the static server,
 * the one build that needs no C library at all. On a new glibc the dynamic
 * server stays the default: it is the build every architecture has, and the
 * static one measured no faster ({@code benchmarks/FINDINGS.md}, "Static or
 * dynamic zygote").
 *
 * <p>Stateless and thread-safe.
 */
public final class NativeBuilds {
    /** The shim's file name in every build directory. */
    public static final String SHIM_FILE = "libsafespawn-shim.so";
    /** The zygote server built against the platform's glibc. */
    public static final String ZYGOTE_FILE = "safespawn-zygote";
    /**
     * The oldest glibc the glibc server runs on: the Makefile builds it on the
     * build machine's glibc, and from 2.34 on a program's start needs
     * {@code __libc_start_main@GLIBC_2.34}. A test reads the built file's needs.
     */
    public static final String GLIBC_FOR_DYNAMIC_ZYGOTE = "2.34";
    /** The zygote server linked statically with musl. */
    public static final String STATIC_ZYGOTE_FILE = "safespawn-zygote-static";
    /**
     * Test switch, not API: the resource path of the server to run instead
     * (a test runs the static build on a glibc host, or another
     * architecture's build under an emulator this way).
     */
    public static final String ZYGOTE_RESOURCE_PROPERTY = "safespawn.internal.zygote.resource";

    /**
     * Test switch, not API: an emulator (qemu-user) that runs the server, for a
     * build of another architecture chosen with {@link #ZYGOTE_RESOURCE_PROPERTY}.
     * The emulator is run by path with the checked file's path as its
     * argument, so the exec-by-descriptor guarantee does not hold under it.
     */
    public static final String ZYGOTE_EMULATOR_PROPERTY = "safespawn.internal.zygote.emulator";

    private NativeBuilds() {
    }

    /** The shim's resource path for this JVM's C library. */
    public static String shimResource() {
        String dir = NativeSupport.libcFamily() == LibcFamily.MUSL ? muslDirectory() : Platform.RESOURCE_PREFIX;
        return "/" + dir + "/" + SHIM_FILE;
    }

    /** The zygote server's resource path for this JVM's C library, or the one the test switch names. */
    public static String zygoteResource() {
        return zygoteResource(chosenZygoteResource());
    }

    /**
     * What the test switch names now, or empty. Reading it touches no native
     * code, so a strategy can take it when it is made and look at the C
     * library only when asked for a server.
     */
    public static String chosenZygoteResource() {
        return System.getProperty(ZYGOTE_RESOURCE_PROPERTY, "");
    }

    /** {@code chosen} if not empty, else the server for this JVM's C library (which detecting loads JNA for). */
    public static String zygoteResource(String chosen) {
        if (!chosen.isEmpty()) {
            return chosen;
        }
        return "/" + Platform.RESOURCE_PREFIX + "/" + zygoteFile(NativeSupport.libcFamily(),
                NativeSupport.glibcVersion().orElse(""));
    }

    /**
     * The server build for a C library: the glibc one from glibc
     * {@value #GLIBC_FOR_DYNAMIC_ZYGOTE} on, the static one otherwise.
     *
     * @param glibcVersion glibc's version string ({@code 2.36}), or empty if not glibc
     */
    public static String zygoteFile(LibcFamily family, String glibcVersion) {
        return family == LibcFamily.GLIBC && atLeast(glibcVersion, GLIBC_FOR_DYNAMIC_ZYGOTE) ? ZYGOTE_FILE
                : STATIC_ZYGOTE_FILE;
    }

    /** Whether dotted version {@code version} is {@code minimum} or later; false if it does not parse. */
    private static boolean atLeast(String version, String minimum) {
        try {
            return compareVersions(version, minimum) >= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Compares dotted versions number by number, a missing number being 0.
     *
     * @throws NumberFormatException if either is not numbers joined by dots
     */
    public static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Whether the shim is the musl build, which JNA's own search by library name would not find. */
    static boolean shimIsMuslBuild() {
        return NativeSupport.libcFamily() == LibcFamily.MUSL;
    }

    private static String muslDirectory() {
        return Platform.RESOURCE_PREFIX + "-musl";
    }
}
