package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The native access a worker is given: this JVM's, in the form its launch needs, never more. */
class NativeAccessTest {
    @Test
    void aJvmWithoutNativeAccessGivesItsWorkersNone() {
        assertThat(NativeAccess.options(false, false, Set.of())).isEmpty();
        assertThat(NativeAccess.options(true, false, Set.of())).isEmpty();
    }

    @Test
    void aModularWorkerGetsItForTheSameModulesByName() {
        assertThat(NativeAccess.options(true, false, Set.of("com.sun.jna", "app")))
                .containsExactly("--enable-native-access=app,com.sun.jna");
        assertThat(NativeAccess.options(true, true, Set.of("com.sun.jna")))
                .containsExactly("--enable-native-access=ALL-UNNAMED,com.sun.jna");
    }

    @Test
    void aWorkerOnAClassPathRunsNamedModulesAsJarsSoGetsItForTheUnnamedOnes() {
        // Naming com.sun.jna there would draw the JVM's own "unknown module" warning.
        assertThat(NativeAccess.options(false, false, Set.of("com.sun.jna")))
                .containsExactly("--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void theLaunchTellsWhetherWorkersRunNamedModules() {
        assertThat(WorkerLaunch.classPath("a.jar").isModular()).isFalse();
        assertThat(new WorkerLaunch(List.of("--module-path", "/m", "--add-modules", "app",
                "-m", "dev.safespawn.core/" + WorkerMain.class.getName())).isModular()).isTrue();
    }

    /**
     * The build starts every test JVM with {@code --enable-native-access=ALL-UNNAMED}
     * (the root POM's {@code safespawn.test.argLine}); on JDK 17 to 20 that is
     * read from the command line, from 21 from the module itself.
     */
    @Test
    void aPoolOfThisTestJvmGivesItsWorkersItsNativeAccess() {
        assertThat(JvmOptions.ofThisJvm()).as("this test JVM's options").contains("--enable-native-access=ALL-UNNAMED");

        assertThat(ProcessPool.builder().classpath("a.jar").config().jvmOptions())
                .containsOnlyOnce("--enable-native-access=ALL-UNNAMED");
    }
}
