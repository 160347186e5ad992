package dev.safespawn.strategies.forkexec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Command;
import dev.safespawn.Spawner;
import dev.safespawn.strategies.internal.HostJvm;
import dev.safespawn.strategies.internal.SafespawnShim;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without its native library fork_exec says it is unavailable and why, rather
 * than failing to initialise: a JVM whose class path has this module's
 * classes but not its natives asks it.
 */
class ShimMissingTest {

    @Test
    void aMissingShimIsReportedAsTheReasonNotThrown(@TempDir Path dir) throws Exception {
        Path classes = Path.of(SafespawnShim.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path copy = dir.resolve("classes");
        copyClassesOnly(classes, copy);
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(Path.of(entry).equals(classes) ? copy.toString() : entry);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (Spawner spawner = Spawner.of("posix_spawn")) {
            var child = spawner.spawn(Command.builder(java.toString(), HostJvm.NATIVE_ACCESS, "-cp",
                    String.join(File.pathSeparator, classPath), ShimMissing.class.getName())
                    .redirectErrorStream().build());
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(out).isZero();
            assertThat(out).containsPattern("load failure: cannot load /linux-[^/]+/libsafespawn-shim\\.so")
                    .contains("available: false")
                    .containsPattern("cause: cannot load /linux-[^/]+/libsafespawn-shim\\.so");
        }
    }

    /** The class files of {@code from}, without the natives under JNA's resource prefix. */
    private static void copyClassesOnly(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (f.toString().endsWith(".class") || f.toString().contains("META-INF")) {
                    Files.copy(f, target);
                }
            }
        }
    }
}
