package dev.safespawn.strategies.builds;

import com.sun.jna.Platform;
import dev.safespawn.Spawner;
import dev.safespawn.strategies.internal.NativeBuilds;
import dev.safespawn.testkit.StrategySuite;
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
        ServerProcess.assertEveryServerIs(spawner(), new ElfFile(ElfFile.hostMachine(), false));
    }
}
