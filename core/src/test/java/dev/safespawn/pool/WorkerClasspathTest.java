package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.safespawn.Spawner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The workers' class path comes from where the pool's classes were loaded, whatever {@code java.class.path} says. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class WorkerClasspathTest {
    @TempDir
    Path dir;

    private static List<String> entries(String classpath) {
        return List.of(classpath.split(File.pathSeparator));
    }

    @Test
    void thePoolsOwnLocationComesFirstThenTheClassPathWithoutDuplicates() {
        Path pool = dir.resolve("safespawn-core.jar");
        String cp = String.join(File.pathSeparator, dir.resolve("app.jar").toString(), pool.toString(), "",
                dir.resolve("app.jar").toString());

        assertThat(entries(WorkerClasspath.derive(Optional.of(pool), cp, null, List.of())))
                .containsExactly(pool.toString(), dir.resolve("app.jar").toString());
    }

    @Test
    void relativeEntriesAreMadeAbsoluteForAWorkerInAnotherDirectory() {
        assertThat(entries(WorkerClasspath.derive(Optional.of(dir), "lib/app.jar", null, List.of())))
                .containsExactly(dir.toString(), Path.of("lib/app.jar").toAbsolutePath().toString());
    }

    @Test
    void theModulePathJoinsTheClassPathWithItsDirectoriesOfJarsAsWildcards() throws Exception {
        Path jars = Files.createDirectory(dir.resolve("mods"));
        Path exploded = Files.createDirectory(dir.resolve("exploded"));
        Files.createFile(exploded.resolve("module-info.class"));
        Path jar = dir.resolve("one.jar");
        String modulePath = String.join(File.pathSeparator, jars.toString(), exploded.toString(), jar.toString());
        Path initializerHome = dir.resolve("init.jar");

        assertThat(entries(WorkerClasspath.derive(Optional.of(jar), "", modulePath, List.of(initializerHome))))
                .containsExactly(jar.toString(), jars.resolve("*").toString(), exploded.toString(),
                        initializerHome.toString());
    }

    @Test
    void withoutALocationForThePoolItAsksForAnExplicitClassPath() {
        assertThatIllegalStateException()
                .isThrownBy(() -> WorkerClasspath.derive(Optional.empty(), "a.jar", null, List.of()))
                .withMessageContaining(WorkerMain.class.getName())
                .withMessageContaining("ProcessPool.Builder.classpath(");
    }

    @Test
    void aClassWithoutAFileCodeSourceHasNoLocation() {
        assertThat(WorkerClasspath.locationOf(String.class)).isEmpty();
        assertThat(WorkerClasspath.locationOf(WorkerMain.class)).isPresent();
    }

    @Test
    void aPathDerivedWithoutJavaClassPathStartsWorkersThatRunTasks() throws Exception {
        // As under mvn exec:java: java.class.path holds neither safespawn-core nor the tests,
        // only the code sources say where they are.
        String cp = WorkerClasspath.derive(WorkerClasspath.locationOf(WorkerMain.class), "", null,
                List.of(WorkerClasspath.locationOf(WorkerClasspathTest.class).orElseThrow()));
        try (Spawner jdk = Spawner.of("jdk");
             ProcessPool pool = ProcessPool.builder().spawner(jdk).workers(1).output(ProcessPool.Output.discard())
                     .classpath(cp).build()) {
            assertThat(pool.submit(() -> System.getProperty("java.class.path")).get()).isEqualTo(cp);
        }
    }

    @Test
    void byDefaultTheDerivedPathIsUsed() {
        assertThat(entries(ProcessPool.builder().config().classpath()))
                .startsWith(WorkerClasspath.locationOf(WorkerMain.class).orElseThrow().toString());
    }
}
