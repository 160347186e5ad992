package dev.safespawn.pool;

import static dev.safespawn.pool.JdkTools.run;
import static dev.safespawn.pool.JdkTools.tool;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A modular application, as a new user writes one: a module that requires
 * {@code dev.safespawn.core}, run with {@code java --module-path ... -m}, builds
 * a pool with defaults and submits a lambda of its own. Its worker must run
 * the task inside the named module {@code app} (not as a plain jar in the
 * unnamed module) and, asked to, see the parent's {@code -D} options.
 */
class ModularApplicationPoolTest {
    private static final String MODULE_INFO = "module app { requires dev.safespawn.core; }";
    private static final String MAIN = """
            package app;

            import dev.safespawn.Spawner;
            import dev.safespawn.pool.ProcessPool;
            import dev.safespawn.pool.SerializableCallable;

            public class Main {
                public static void main(String[] args) throws Exception {
                    try (Spawner jdk = Spawner.of("jdk");
                         ProcessPool pool = ProcessPool.builder().spawner(jdk).workers(1)
                                 .inheritJvmOptions("-D").build()) {
                        SerializableCallable<String> task = () -> "module=" + Main.class.getModule().getName()
                                + " boot-layer-has-app=" + ModuleLayer.boot().findModule("app").isPresent()
                                + " x=" + System.getProperty("x")
                                + " pid=" + ProcessHandle.current().pid();
                        System.out.println("parent=" + ProcessHandle.current().pid() + " " + pool.submit(task).get());
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aModularApplicationsWorkerRunsItsTaskInItsNamedModuleWithTheInheritedProperties() throws Exception {
        Path core = WorkerLaunch.locationOf(WorkerMain.class).orElseThrow(); // an exploded module: target/classes
        assertThat(core.resolve("module-info.class")).exists();
        Path sources = Files.createDirectories(dir.resolve("src/app/app"));
        Files.writeString(dir.resolve("src/app/module-info.java"), MODULE_INFO);
        Files.writeString(sources.resolve("Main.java"), MAIN);
        Path classes = dir.resolve("mods/app");
        run(tool("javac"), "-d", classes.toString(), "--module-path", core.toString(),
                dir.resolve("src/app/module-info.java").toString(), sources.resolve("Main.java").toString());

        String out = run(tool("java"),
                "--module-path", core + File.pathSeparator + classes, "-Dx=1", "-m", "app/app.Main");

        assertThat(out).containsPattern("parent=(\\d+) module=app boot-layer-has-app=true x=1 pid=(?!\\1)\\d+");
    }
}
