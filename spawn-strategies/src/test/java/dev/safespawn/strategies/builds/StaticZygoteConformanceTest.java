package dev.safespawn.strategies.builds;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Platform;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import dev.safespawn.strategies.internal.NativeBuilds;
import dev.safespawn.testkit.StrategySuite;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole child contract against the zygote server linked statically with
 * musl, the build a JVM on musl runs: run on this glibc machine by the pom's
 * {@code zygote-static-musl} execution, which chooses that build. A static
 * executable brings its C library along, so passing here is passing there.
 */
class StaticZygoteConformanceTest extends StrategySuite {
    @Override
    protected Spawner open() {
        OtherBuilds.chosenZygote("/" + Platform.RESOURCE_PREFIX + "/" + NativeBuilds.STATIC_ZYGOTE_FILE);
        return Spawner.of("zygote");
    }

    @Test
    void theServerThatServedTheSuiteIsTheStaticBuild() throws Exception {
        assertThat(spawner().spawn(Command.builder("/bin/true").build()).waitFor()).isZero();
        List<Path> servers = ServerProcess.serverFiles();
        assertThat(servers).as("this JVM's zygote servers").isNotEmpty();
        for (Path server : servers) {
            try (InputStream in = Files.newInputStream(server)) {
                assertThat(ElfFile.read(in)).as(server.toString()).isEqualTo(new ElfFile(ElfFile.hostMachine(), false));
            }
        }
    }
}
