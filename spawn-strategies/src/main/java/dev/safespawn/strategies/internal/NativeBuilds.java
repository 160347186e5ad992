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
 * the glibc builds; musl gets the musl shim and the static server; a C library
 * that is neither gets the glibc shim (its ABI check still guards the load)
 * and the static server, the one build that needs no C library at all.
 * On glibc the dynamic server stays the default: it is the build every
 * platform has, and the static one measured no faster
 * ({@code benchmarks/FINDINGS.md}, "Static or dynamic zygote").
 *
 * <p>Stateless and thread-safe.
 */
public final class NativeBuilds {
    /** The shim's file name in every build directory. */
    public static final String SHIM_FILE = "libsafespawn-shim.so";
    /** The zygote server built against the platform's glibc. */
    public static final String ZYGOTE_FILE = "safespawn-zygote";
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
        String chosen = System.getProperty(ZYGOTE_RESOURCE_PROPERTY, "");
        if (!chosen.isEmpty()) {
            return chosen;
        }
        String file = NativeSupport.libcFamily() == LibcFamily.GLIBC ? ZYGOTE_FILE : STATIC_ZYGOTE_FILE;
        return "/" + Platform.RESOURCE_PREFIX + "/" + file;
    }

    /** Whether the shim is the musl build, which JNA's own search by library name would not find. */
    static boolean shimIsMuslBuild() {
        return NativeSupport.libcFamily() == LibcFamily.MUSL;
    }

    private static String muslDirectory() {
        return Platform.RESOURCE_PREFIX + "-musl";
    }
}
