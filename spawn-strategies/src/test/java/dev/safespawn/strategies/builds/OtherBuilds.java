package dev.safespawn.strategies.builds;

import static org.assertj.core.api.Assertions.fail;

import dev.safespawn.strategies.internal.NativeBuilds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What the tests of the other platforms' builds need, and the one way they
 * skip: with a reason when a tool is missing here, never when {@code CI=true},
 * where the build installs every tool and a skip would hide a lost proof.
 */
final class OtherBuilds {
    /** The pom's emulated executions name the aarch64 probe, compiled by {@code make other-test-natives}, here. */
    static final String AARCH64_PROBE_PROPERTY = "safespawn.test.aarch64.probe";
    /** The pom names the musl program that loads the musl shim, compiled by {@code make other-test-natives}, here. */
    static final String MUSL_CHECK_PROPERTY = "safespawn.test.musl.check";

    private OtherBuilds() {
    }

    /** The zygote server the pom's execution chose with {@link NativeBuilds#ZYGOTE_RESOURCE_PROPERTY}, which must be in the jar. */
    static String chosenZygote(String expected) {
        String resource = System.getProperty(NativeBuilds.ZYGOTE_RESOURCE_PROPERTY, "");
        // Not a lost proof: the pom's execution runs it; this is a run of the class outside it (-Dtest).
        Assumptions.assumeTrue(resource.equals(expected), () -> "run by the pom's execution that sets "
                + NativeBuilds.ZYGOTE_RESOURCE_PROPERTY + "=" + expected + " (it is '" + resource + "')");
        if (OtherBuilds.class.getResource(resource) == null) {
            skipOrFail(resource + " was not built: its compiler is missing (see extra-natives in the Makefile)");
        }
        return resource;
    }

    /** The emulator the pom's execution named, which must be installed. */
    static Path emulator(String property) {
        Path emulator = Path.of(System.getProperty(property, "/nonexistent"));
        if (!Files.isExecutable(emulator)) {
            skipOrFail("no emulator at " + emulator + " (Debian: qemu-user)");
        }
        return emulator;
    }

    /** The aarch64 probe the pom's execution named, which must have been compiled. */
    static Path aarch64Probe() {
        return testBuild(AARCH64_PROBE_PROPERTY, "gcc-aarch64-linux-gnu");
    }

    /** The musl program that loads the musl shim ({@code test/c/musl_shim_check.c}), which must have been compiled. */
    static Path muslShimCheck() {
        return testBuild(MUSL_CHECK_PROPERTY, "musl-tools");
    }

    private static Path testBuild(String property, String debianPackage) {
        Path file = Path.of(System.getProperty(property, "/nonexistent"));
        if (!Files.isExecutable(file)) {
            skipOrFail("no " + file + " (Debian: " + debianPackage + "; the pom sets " + property + ")");
        }
        return file;
    }

    private static void skipOrFail(String why) {
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true: " + why);
        }
        Assumptions.abort(why);
    }
}
