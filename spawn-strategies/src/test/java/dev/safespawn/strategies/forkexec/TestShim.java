package dev.safespawn.strategies.forkexec;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.strategies.internal.ChildSetupAbi;

/**
 * The shim's test build: the same C with the test hooks compiled in
 * ({@code -DSAFESPAWN_TEST_HOOKS}, the Makefile's test-natives), which the pom
 * builds outside the class path and names in {@value #PROPERTY}, so that it is
 * never packaged. Bound here beside the shipped shim (JNA loads each library
 * privately, so their symbols do not mix); tests reach the hooks through
 * {@link #strategy}, a fork_exec strategy that calls this build.
 */
final class TestShim {
    static final String PROPERTY = "safespawn.test.shim";

    static {
        String path = System.getProperty(PROPERTY);
        if (path == null || path.isBlank()) {
            throw new IllegalStateException("system property " + PROPERTY + " (set by the pom) names the test build");
        }
        Native.register(TestShim.class, NativeLibrary.getInstance(path));
    }

    private TestShim() {
    }

    /** Exported by the test build only. */
    static native int safespawn_test_hooks();

    static native int safespawn_abi_version();

    static native int safespawn_fork_exec(Pointer request, int mode, IntByReference pidOut, IntByReference stageOut);

    /** fork_exec (vfork mode) through the test build, with a forced close method and test flags. */
    static ForkExecStrategy strategy(int closeMethod, int testFlags) {
        return new ForkExecStrategy(TestShim::safespawn_fork_exec, ChildSetupAbi.SS_MODE_CLONE_VFORK, closeMethod,
                testFlags);
    }
}
