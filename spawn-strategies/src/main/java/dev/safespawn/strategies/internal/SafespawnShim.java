package dev.safespawn.strategies.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The fork_exec shim ({@code src/main/c/fork_exec_shim.c}), direct-mapped.
 * JNA finds {@code libsafespawn-shim.so} under the platform's resource prefix
 * ({@code linux-x86-64/}, {@code linux-aarch64/}) in the jar and extracts it;
 * a JVM on musl gets the musl build instead ({@link NativeBuilds}).
 * The natives are bound by the first {@link #loadFailure()}, which says
 * whether that worked: call it before any of them.
 */
public final class SafespawnShim {
    public static final String LIBRARY = "safespawn-shim";

    /** {@code safespawn_fork_exec}'s signature: this library's, or (in tests) its test build's. */
    @FunctionalInterface
    public interface ForkExec {
        /** The shim this jar ships; loaded on the first call, not before. */
        ForkExec PACKAGED = (request, mode, pidOut, stageOut) ->
                SafespawnShim.safespawn_fork_exec(request, mode, pidOut, stageOut);

        int forkExec(Pointer request, int mode, IntByReference pidOut, IntByReference stageOut);
    }

    private SafespawnShim() {
    }

    public static native int safespawn_abi_version();

    /** {@code sizeof(struct ss_request)} as the shim was compiled. */
    public static native int safespawn_request_size();

    /** Returns 0 and the pid, or -errno and the stage. {@code request} points at a {@code struct ss_request}. */
    public static native int safespawn_fork_exec(Pointer request, int mode, IntByReference pidOut,
                                                 IntByReference stageOut);

    private static final class Load {
        static NativeLibrary library;
        static final String FAILURE = load();

        private static String load() {
            java.util.Optional<String> libc = NativeSupport.libcUnavailability();
            if (libc.isPresent()) {
                return libc.get();
            }
            int abi;
            try {
                // Bound here, not when the class loads, so that a missing library is an answer, not an error.
                library = NativeBuilds.shimIsMuslBuild() ? NativeLibrary.getInstance(Native.extractFromResourcePath(
                        NativeBuilds.shimResource(), SafespawnShim.class.getClassLoader()).getAbsolutePath())
                        : NativeLibrary.getInstance(LIBRARY);
                Native.register(SafespawnShim.class, library);
                abi = safespawn_abi_version();
            } catch (Throwable e) { // UnsatisfiedLinkError, or JNA failing to initialise
                return "cannot load " + NativeBuilds.shimResource() + " (built for Linux x86-64 and aarch64 on glibc,"
                        + " x86-64 on musl; a noexec"
                        + " temporary directory also stops it: set jna.tmpdir): " + rootCause(e);
            }
            return abi == ChildSetupAbi.SS_ABI_VERSION ? null : "lib" + LIBRARY + ".so has ABI version " + abi
                    + ", this code needs " + ChildSetupAbi.SS_ABI_VERSION;
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

    /** The file the shim was loaded from, for diagnostics; call only after {@link #loadFailure()} said none. */
    public static java.io.File loadedFrom() {
        return Load.library.getFile();
    }
}
