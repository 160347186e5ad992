package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.safespawn.Spawner;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers' class path comes from where the pool's classes were loaded,
 * whatever {@code java.class.path} says; their module path and module graph
 * from this JVM's boot layer.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class WorkerLaunchTest {
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

        assertThat(entries(WorkerLaunch.deriveClassPath(Optional.of(pool), cp, null, List.of())))
                .containsExactly(pool.toString(), dir.resolve("app.jar").toString());
    }

    @Test
    void relativeEntriesAreMadeAbsoluteForAWorkerInAnotherDirectory() {
        assertThat(entries(WorkerLaunch.deriveClassPath(Optional.of(dir), "lib/app.jar", null, List.of())))
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

        assertThat(entries(WorkerLaunch.deriveClassPath(Optional.of(jar), "", modulePath, List.of(initializerHome))))
                .containsExactly(jar.toString(), jars.resolve("*").toString(), exploded.toString(),
                        initializerHome.toString());
    }

    @Test
    void withoutALocationForThePoolItAsksForAnExplicitClassPath() {
        assertThatIllegalStateException()
                .isThrownBy(() -> WorkerLaunch.deriveClassPath(Optional.empty(), "a.jar", null, List.of()))
                .withMessageContaining(WorkerMain.class.getName())
                .withMessageContaining("ProcessPool.Builder.classpath(");
    }

    @Test
    void aClassWithoutAFileCodeSourceHasNoLocation() {
        assertThat(WorkerLaunch.locationOf(String.class)).isEmpty();
        assertThat(WorkerLaunch.locationOf(WorkerMain.class)).isPresent();
    }

    @Test
    void aPathDerivedWithoutJavaClassPathStartsWorkersThatRunTasks() throws Exception {
        // As under mvn exec:java: java.class.path holds neither safespawn-core nor the tests,
        // only the code sources say where they are.
        String cp = WorkerLaunch.deriveClassPath(WorkerLaunch.locationOf(WorkerMain.class), "", null,
                List.of(WorkerLaunch.locationOf(WorkerLaunchTest.class).orElseThrow()));
        try (Spawner jdk = Spawner.of("jdk");
             ProcessPool pool = ProcessPool.builder().spawner(jdk).workers(1).output(ProcessPool.Output.discard())
                     .classpath(cp).build()) {
            assertThat(pool.submit(() -> System.getProperty("java.class.path")).get()).isEqualTo(cp);
        }
    }

    @Test
    void byDefaultTheDerivedPathIsUsed() {
        List<String> arguments = ProcessPool.builder().config().launch().arguments();

        assertThat(arguments).first().isEqualTo("-cp"); // these tests run on the class path
        assertThat(entries(arguments.get(1)))
                .startsWith(WorkerLaunch.locationOf(WorkerMain.class).orElseThrow().toString());
        assertThat(arguments).last().isEqualTo(WorkerMain.class.getName());
    }

    @Test
    void anExplicitClassPathIsLaunchedAsItIs() {
        assertThat(ProcessPool.builder().classpath("a.jar").config().launch().arguments())
                .containsExactly("-cp", "a.jar", WorkerMain.class.getName());
    }

    private static Map<String, Optional<URI>> modules(Object... nameAndLocation) {
        Map<String, Optional<URI>> modules = new LinkedHashMap<>();
        for (int i = 0; i < nameAndLocation.length; i += 2) {
            modules.put((String) nameAndLocation[i], Optional.ofNullable((URI) nameAndLocation[i + 1]));
        }
        return modules;
    }

    @Test
    void aModularJvmLaunchesWorkersAsModulesWithItsWholeBootLayerAsRoots() {
        Path mods = dir.resolve("mods");
        Map<String, Optional<URI>> boot = modules("java.base", URI.create("jrt:/java.base"),
                "app", mods.resolve("app.jar").toUri(), "dev.safespawn.core", mods.resolve("core.jar").toUri(),
                "jdk.incubator.vector", URI.create("jrt:/jdk.incubator.vector"));

        WorkerLaunch launch = WorkerLaunch.modular("dev.safespawn.core", "mods", null, boot, List.of(), "",
                List.of());

        assertThat(launch.arguments()).containsExactly(
                "--module-path", Path.of("mods").toAbsolutePath().toString(),
                "--add-modules", "app,dev.safespawn.core,java.base,jdk.incubator.vector",
                "-m", "dev.safespawn.core/" + WorkerMain.class.getName());
        assertThat(launch.optionNames()).containsExactlyInAnyOrder("--module-path", "--add-modules", "-m");
    }

    @Test
    void theModuleGraphOptionsAndAClassPathPartAreCarriedWithAbsolutePaths() {
        Path initializer = dir.resolve("init.jar");
        Map<String, Optional<URI>> boot = modules("dev.safespawn.core", dir.resolve("core").toUri());
        List<String> options = JvmOptions.normalize(List.of("-Dx=1", "--patch-module", "dev.safespawn.core=patch",
                "--limit-modules=java.base,dev.safespawn.core", "--add-opens=java.base/java.lang=ALL-UNNAMED"));

        WorkerLaunch launch = WorkerLaunch.modular("dev.safespawn.core", dir.toString(), "up", boot, options,
                "lib/a.jar", List.of(initializer));

        assertThat(launch.arguments()).containsExactly(
                "--module-path", dir.toString(),
                "--upgrade-module-path", Path.of("up").toAbsolutePath().toString(),
                "--patch-module", "dev.safespawn.core=" + Path.of("patch").toAbsolutePath(),
                "--limit-modules", "java.base,dev.safespawn.core",
                "--add-modules", "dev.safespawn.core",
                "-cp", Path.of("lib/a.jar").toAbsolutePath() + File.pathSeparator + initializer,
                "-m", "dev.safespawn.core/" + WorkerMain.class.getName());
    }

    @Test
    void aModuleFromSomewhereAWorkerCannotBePointedAtAsksForAnExplicitClassPath() {
        Map<String, Optional<URI>> boot = modules("dev.safespawn.core", dir.resolve("core").toUri(),
                "odd", URI.create("memory:/odd"));

        assertThatIllegalStateException()
                .isThrownBy(() -> WorkerLaunch.modular("dev.safespawn.core", dir.toString(), null, boot,
                        List.of(), "", List.of()))
                .withMessageContaining("module odd was loaded from memory:/odd")
                .withMessageContaining("ProcessPool.Builder.classpath(");
        Map<String, Optional<URI>> noPath = modules("dev.safespawn.core", dir.resolve("core").toUri());
        assertThatIllegalStateException()
                .isThrownBy(() -> WorkerLaunch.modular("dev.safespawn.core", null, null, noPath, List.of(), "",
                        List.of()))
                .withMessageContaining("jdk.module.path")
                .withMessageContaining("ProcessPool.Builder.classpath(");
    }

    @Test
    void aRuntimeImageNeedsNoModulePath() {
        Map<String, Optional<URI>> boot = modules("app", URI.create("jrt:/app"),
                "dev.safespawn.core", URI.create("jrt:/dev.safespawn.core"));

        assertThat(WorkerLaunch.modular("dev.safespawn.core", null, null, boot, List.of(), "", List.of())
                .arguments()).containsExactly("--add-modules", "app,dev.safespawn.core",
                "-m", "dev.safespawn.core/" + WorkerMain.class.getName());
    }

    @Test
    void aClassLoadersLocationsComeParentsFirstAndTheJdksLoadersAddNone() throws Exception {
        Path parentJar = dir.resolve("lib.jar");
        Path child = dir.resolve("classes");
        try (URLClassLoader parent = new URLClassLoader(new URL[] {parentJar.toUri().toURL()}, null);
             URLClassLoader loader = new URLClassLoader(new URL[] {child.toUri().toURL(),
                     URI.create("http://example.invalid/remote.jar").toURL()}, parent)) {
            assertThat(WorkerLaunch.locationsOf(loader)).containsExactly(parentJar, child);
        }
        assertThat(WorkerLaunch.locationsOf(ClassLoader.getSystemClassLoader())).isEmpty();
    }

    @Test
    void aTaskFromTheContextClassLoaderRunsInAWorkerAsUnderMvnExecJava() throws Exception {
        // mvn exec:java loads the application through a class loader of its own, made the
        // context class loader; neither java.class.path nor safespawn-core's location holds it.
        Path sources = Files.createDirectories(dir.resolve("src/loaded"));
        Files.writeString(sources.resolve("Task.java"), """
                package loaded;

                public class Task implements dev.safespawn.pool.SerializableCallable<String> {
                    @Override
                    public String call() {
                        return "ran " + getClass().getName();
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        JdkTools.run(JdkTools.tool("javac"), "-d", classes.toString(), "-cp",
                WorkerLaunch.locationOf(WorkerMain.class).orElseThrow().toString(),
                sources.resolve("Task.java").toString());
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader application = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                WorkerLaunchTest.class.getClassLoader())) {
            @SuppressWarnings("unchecked")
            SerializableCallable<String> task = (SerializableCallable<String>) application
                    .loadClass("loaded.Task").getConstructor().newInstance();
            thread.setContextClassLoader(application);
            try (ProcessPool pool = ProcessPool.builder().spawner(JdkSpawner.SHARED).workers(1)
                    .output(ProcessPool.Output.discard()).build()) {
                assertThat(pool.submit(task).get()).isEqualTo("ran loaded.Task");
            }
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
