package dev.safespawn.strategies.forkexec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Command;
import dev.safespawn.Spawner;
import dev.safespawn.strategies.internal.HostJvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shim as users get it: a JVM whose class path has the built jar (and its
 * dependencies) but not the build tree, so JNA can only find
 * libsafespawn-shim.so inside the jar.
 */
class ShimPackagingIT {

    @Test
    void shimLoadsFromTheBuiltJarAndSpawns() throws Exception {
        String classPath = String.join(File.pathSeparator, System.getProperty("safespawn.jar"),
                System.getProperty("safespawn.core.jar"), System.getProperty("jna.jar"),
                System.getProperty("test.classes"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (Spawner spawner = Spawner.of("posix_spawn")) {
            var child = spawner.spawn(Command.builder(java.toString(), HostJvm.NATIVE_ACCESS, "-cp", classPath,
                    ShimLocation.class.getName()).redirectErrorStream().build());
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(out).isZero();
            String buildTree = Path.of(System.getProperty("safespawn.jar")).getParent().resolve("classes").toString();
            assertThat(out).contains("unavailable: none").contains("spawned: exited with code 0")
                    .doesNotContain("loaded from: " + buildTree);
        }
    }
}
