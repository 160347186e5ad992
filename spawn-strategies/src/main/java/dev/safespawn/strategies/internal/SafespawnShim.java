package dev.safespawn.strategies.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The fork_exec shim ({@code src/main/c/fork_exec_shim.c}), direct-mapped.
 * JNA finds {@code libsafespawn-shim.so} under the platform's resource prefix
 * ({@code linux-x86-64/}, {@code linux-aarch64/}) in the jar and extracts it.
 * Loading this class fails when the library cannot be loaded; use
 * {@link #loadFailure()} to find out first.
 */
public final class SafespawnShim {
    /** The ABI this Java code was written for; must equal {@code SS_ABI_VERSION} in child_setup.h. */
    public static final int ABI_VERSION = 1;
    public static final String LIBRARY = "safespawn-shim";

    // child_setup.h: request flags
    public static final int SS_NEW_SESSION = 0x01;
    public static final int SS_SET_PGID = 0x02;
    public static final int SS_SET_UMASK = 0x04;
    public static final int SS_KILL_ON_PARENT_DEATH = 0x08;
    public static final int SS_TEST_LEAD_GROUP_FIRST = 0x100;
    // fork_exec_shim.c: modes
    public static final int SS_MODE_FORK = 0;
    public static final int SS_MODE_CLONE_VFORK = 1;

    static {
        Native.register(SafespawnShim.class, NativeLibrary.getInstance(LIBRARY));
    }

    private SafespawnShim() {
    }

    public static native int safespawn_abi_version();

    /** Returns 0 and the pid, or -errno and the stage. {@code request} points at a {@code struct ss_request}. */
    public static native int safespawn_fork_exec(Pointer request, int mode, IntByReference pidOut,
                                                 IntByReference stageOut);

    private static final class Load {
        static final String FAILURE = load();

        private static String load() {
            java.util.Optional<String> libc = NativeSupport.libcUnavailability();
            if (libc.isPresent()) {
                return libc.get();
            }
            int abi;
            try {
                abi = safespawn_abi_version();
            } catch (Throwable e) { // UnsatisfiedLinkError, or the class failing to initialise
                return "cannot load lib" + LIBRARY + ".so (built for Linux x86-64 and aarch64; a noexec"
                        + " temporary directory also stops it: set jna.tmpdir): " + rootCause(e);
            }
            return abi == ABI_VERSION ? null
                    : "lib" + LIBRARY + ".so has ABI version " + abi + ", this code needs " + ABI_VERSION;
        }

        private static String rootCause(Throwable e) {
            while (e.getCause() != null) {
                e = e.getCause();
            }
            return e.getMessage();
        }
    }

    /** Why the shim cannot be used here, or empty if it can (loaded, ABI version matching). */
    public static java.util.Optional<String> loadFailure() {
        return java.util.Optional.ofNullable(Load.FAILURE);
    }

    /** The file the shim was loaded from, for diagnostics. */
    public static java.io.File loadedFrom() {
        return NativeLibrary.getInstance(LIBRARY).getFile();
    }
}
